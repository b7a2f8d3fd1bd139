/**
 * docker-compose.yml and `npm run cluster` (dev/cluster.ts) must run the same Temporal: the same
 * server version, persistence and visibility (postgres12, SQL visibility, the same database
 * names), history shards, dynamic config and namespace set-up (the contract's search attributes,
 * 30-day retention). Each side is read from its source: the compose file parsed with `yaml`, the
 * cluster's constants and the server config it writes. Also what issue #8 asks of every process
 * in compose: the payload keys, and a codec server the Web UI is pointed at.
 *
 * Not compared, on purpose: TLS (compose runs plaintext inside its own network), the Web UI's
 * version (compose's image 2.34.0; the cluster builds ui-server v2.42.1, which CLI v1.5.1 embeds)
 * and the admin-tools image's CLI (1.5.0; the project builds 1.5.1).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../common/search-attributes';
import { DEFAULT_DYNAMIC_CONFIG, DEFAULT_HISTORY_SHARDS } from '../../dev/cluster';
import { writeServerConfig } from '../../dev/cluster-config';
import { databaseNames } from '../../dev/cluster-database';
import type { ClusterPorts } from '../../dev/cluster-ports';
import { PORT_NAMES } from '../../dev/cluster-ports';
import { RETENTION_DAYS } from '../../dev/namespace';
import { TEMPORAL_SERVER_VERSION } from '../../dev/temporal-server';
import { isLoopbackHost } from '../../ops/codec-server';

const ROOT = path.join(__dirname, '..', '..');

interface Service {
  image?: string;
  command?: string | string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
}

const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};

function service(name: string): Service {
  const found = compose.services[name];
  assert.ok(found, `docker-compose.yml has no service ${name}`);
  return found;
}

const env = (name: string) => service(name).environment ?? {};
/** `${NAME:-default}` → default; anything else as written. */
const withDefault = (value: string | undefined) => /^\$\{\w+:-(.*)\}$/.exec(value ?? '')?.[1] ?? value;
const hours = (duration: string | undefined) => Number(/^(\d+)h$/.exec(duration ?? '')?.[1]);

/** The server config dev/cluster.ts writes, in a scratch folder. */
function clusterServerConfig() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'compose-parity-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const ports = Object.fromEntries(PORT_NAMES.map((name, index) => [name, 20_000 + index])) as ClusterPorts;
  const certs = Object.fromEntries(
    ['ca', 'caKey', 'server', 'serverKey', 'internode', 'internodeKey', 'client', 'clientKey'].map((name) => [
      name,
      `/certs/${name}.pem`,
    ]),
  ) as Parameters<typeof writeServerConfig>[0]['certs'];
  const postgres = {
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    password: '',
    adminDatabase: 'postgres',
  };
  const databases = databaseNames('');
  writeServerConfig({
    dir,
    ports,
    certs,
    postgres,
    databases,
    historyShards: DEFAULT_HISTORY_SHARDS,
    dynamicConfig: {},
  });
  return JSON.parse(readFileSync(path.join(dir, 'config', 'cluster.yaml'), 'utf8')) as {
    persistence: {
      defaultStore: string;
      visibilityStore: string;
      numHistoryShards: number;
      datastores: Record<string, { sql: { pluginName: string; databaseName: string } }>;
    };
  };
}

describe('docker-compose.yml runs the Temporal that `npm run cluster` runs', () => {
  it('the same server version', () => {
    const version = TEMPORAL_SERVER_VERSION.replace(/^v/, '');
    assert.equal(service('temporal').image, `temporalio/auto-setup:${version}`);
    // admin-tools tags read <server>-tctl-<tctl>-cli-<cli>.
    assert.match(service('temporal-setup').image ?? '', new RegExp(`^temporalio/admin-tools:${version}-`));
  });

  it('the same persistence and visibility: postgres12, SQL visibility, the same databases and shards', () => {
    const { persistence } = clusterServerConfig();
    const main = persistence.datastores[persistence.defaultStore]!.sql;
    const visibility = persistence.datastores[persistence.visibilityStore]!.sql;
    const temporal = env('temporal');
    assert.equal(temporal.DB, main.pluginName);
    assert.equal(visibility.pluginName, main.pluginName, 'the cluster keeps visibility in Postgres too');
    assert.equal(temporal.ENABLE_ES, undefined, 'compose must not switch visibility to Elasticsearch');
    assert.equal(temporal.DBNAME, main.databaseName);
    assert.equal(temporal.VISIBILITY_DBNAME, visibility.databaseName);
    assert.equal(Number(temporal.NUM_HISTORY_SHARDS), persistence.numHistoryShards);
  });

  it('the same dynamic config', () => {
    const temporal = service('temporal');
    const target = env('temporal').DYNAMIC_CONFIG_FILE_PATH;
    const mount = (temporal.volumes ?? []).map((volume) => volume.split(':')).find(([, to]) => to === target);
    assert.ok(mount, `no volume mounts a file at DYNAMIC_CONFIG_FILE_PATH (${target})`);
    const file = parse(readFileSync(path.join(ROOT, mount[0]!), 'utf8')) as Record<
      string,
      { value: unknown }[]
    >;
    const values = Object.fromEntries(Object.entries(file).map(([key, [first]]) => [key, first?.value]));
    assert.deepEqual(values, DEFAULT_DYNAMIC_CONFIG);
  });

  it('the same namespace set-up: the contract search attributes and 30-day retention', () => {
    const temporal = env('temporal');
    const setup = service('temporal-setup');
    assert.equal(withDefault(temporal.DEFAULT_NAMESPACE), 'default', 'startCluster registers `default`');
    assert.equal(hours(temporal.DEFAULT_NAMESPACE_RETENTION), RETENTION_DAYS * 24);
    const script = [setup.command ?? []].flat().join('\n');
    const list = /for attribute in ([^;]+);/.exec(script)?.[1]?.trim().split(/\s+/) ?? [];
    const attributes = Object.fromEntries(list.map((pair) => pair.split('=') as [string, string]));
    assert.deepEqual(attributes, SEARCH_ATTRIBUTE_DEFINITIONS);
    assert.equal(hours(/namespace update .*--retention (\S+)/.exec(script)?.[1]), RETENTION_DAYS * 24);
  });
});

describe('docker-compose.yml: payload keys and the codec server (issue #8)', () => {
  const required = /^\$\{TEMPORAL_PAYLOAD_KEYS:\?.*TEMPORAL_PAYLOAD_KEYS.*kid:base64/;

  it('worker, ingress and codec server need the same payload keys, with a message that says how to make one', () => {
    for (const name of ['worker', 'ingress', 'codec-server'])
      assert.match(env(name).TEMPORAL_PAYLOAD_KEYS ?? '', required, `${name}: TEMPORAL_PAYLOAD_KEYS`);
    assert.equal(env('worker').TEMPORAL_PAYLOAD_KEYS, env('codec-server').TEMPORAL_PAYLOAD_KEYS);
    for (const name of ['worker', 'ingress'])
      assert.equal(env(name).TEMPORAL_PAYLOAD_ENCRYPTION, undefined, `${name} must not turn encryption off`);
  });

  it('runs the codec server from the image, off loopback only with a required token, published on this machine only', () => {
    const codec = service('codec-server');
    assert.deepEqual(codec.command, ['node', 'dist/ops/codec-server-main.js']);
    const { CODEC_SERVER_HOST: host = '127.0.0.1', CODEC_SERVER_TOKEN: token } = env('codec-server');
    // A container's loopback is unreachable through a published port; ops/codec-server.ts then
    // refuses to start without a token, so compose must require one.
    if (!isLoopbackHost(host)) assert.match(token ?? '', /^\$\{CODEC_SERVER_TOKEN:\?.+\}$/);
    assert.deepEqual(codec.ports, [`127.0.0.1:8888:${env('codec-server').CODEC_SERVER_PORT}`]);
  });

  it("points the Web UI at it, and lets the UI's origin call it", () => {
    assert.equal(env('temporal-ui').TEMPORAL_CODEC_ENDPOINT, 'http://localhost:8888');
    const uiPort = (service('temporal-ui').ports ?? [])[0]?.split(':')[0];
    const origins = (env('codec-server').CODEC_SERVER_CORS_ORIGINS ?? '').split(',');
    assert.ok(
      origins.includes(`http://localhost:${uiPort}`),
      `CORS allows the UI at http://localhost:${uiPort}`,
    );
  });
});

/**
 * The Temporal connection settings, read as the Temporal CLI reads them (@temporalio/envconfig),
 * and the checks that stop a process at start with a message naming the variable to fix.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../common/config-error';
import { describeTemporal, loadTemporalConfig } from '../../common/temporal-config';
import {
  createCertificateAuthority,
  issueCertificate,
  issueExpiredCertificate,
  LOCAL_SERVER_NAMES,
} from '../../dev/certificates';

const PLAINTEXT = { TEMPORAL_PAYLOAD_ENCRYPTION: 'off' };
const KEY = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

describe('loadTemporalConfig', () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'temporal-config-'));
    const ca = await createCertificateAuthority();
    const client = await issueCertificate(ca, { commonName: 'client', usage: 'client' });
    const expired = await issueExpiredCertificate(ca, 'client');
    const server = await issueCertificate(ca, {
      commonName: 'server',
      usage: 'server',
      ...LOCAL_SERVER_NAMES,
    });
    writeFileSync(file('ca.pem'), ca.cert);
    writeFileSync(file('client.pem'), client.cert);
    writeFileSync(file('client-key.pem'), client.key);
    const other = await issueCertificate(ca, { commonName: 'other', usage: 'client' });
    writeFileSync(file('other-key.pem'), other.key);
    writeFileSync(file('expired.pem'), expired.cert);
    writeFileSync(file('server.pem'), server.cert);
    writeFileSync(file('not-pem.txt'), 'hello');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A ConfigError whose message matches every pattern given. */
  function refuses(env: Record<string, string>, ...patterns: RegExp[]): void {
    assert.throws(
      () => loadTemporalConfig({ HOME: dir, ...env }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, `a ConfigError, got ${String(err)}`);
        for (const pattern of patterns) assert.match(err.message, pattern);
        return true;
      },
    );
  }

  it('defaults to a local plain-gRPC server', () => {
    const config = loadTemporalConfig({ HOME: dir, ...PLAINTEXT });
    assert.equal(config.address, 'localhost:7233');
    assert.equal(config.namespace, 'default');
    assert.equal(config.taskQueue, 'stripe-events');
    assert.equal(config.tls, undefined);
    assert.equal(config.payloadKeys, undefined);
  });

  it('refuses to run without payload keys unless told to run in plaintext', () => {
    refuses({}, /TEMPORAL_PAYLOAD_KEYS is not set/, /TEMPORAL_PAYLOAD_ENCRYPTION=off/);
    const config = loadTemporalConfig({ HOME: dir, TEMPORAL_PAYLOAD_KEYS: KEY });
    assert.deepEqual(
      config.payloadKeys?.map((key) => key.id),
      ['k1'],
    );
  });

  it('turns TLS on for an API key, as the CLI does, and sends gRPC metadata', () => {
    const config = loadTemporalConfig({
      HOME: dir,
      ...PLAINTEXT,
      TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'my-ns.a1b2c',
      TEMPORAL_API_KEY: 'secret-key',
      TEMPORAL_GRPC_META_X_TEAM: 'billing',
    });
    assert.equal(config.tls, true);
    assert.equal(config.apiKey, 'secret-key');
    assert.equal(config.namespace, 'my-ns.a1b2c');
    assert.deepEqual(config.metadata, { 'x-team': 'billing' });
    const described = JSON.stringify(describeTemporal(config));
    assert.doesNotMatch(described, /secret-key/, 'the key is never logged');
    assert.match(described, /"apiKey":true/);
  });

  it('reads mTLS material from the CLI variables', () => {
    const config = loadTemporalConfig({
      HOME: dir,
      ...PLAINTEXT,
      TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: file('client-key.pem'),
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
    });
    assert.ok(typeof config.tls === 'object' && config.tls);
    assert.match(Buffer.from(config.tls.clientCertPair?.crt ?? []).toString(), /BEGIN CERTIFICATE/);
    assert.equal(config.tls.serverNameOverride, 'localhost');
    assert.equal(describeTemporal(config).tls, 'mtls');
  });

  it('stops on a client certificate without its key, naming both variables', () => {
    refuses(
      { ...PLAINTEXT, TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem') },
      /TEMPORAL_TLS_CLIENT_CERT_PATH=/,
      /TEMPORAL_TLS_CLIENT_KEY_PATH/,
    );
    refuses(
      { ...PLAINTEXT, TEMPORAL_TLS_CLIENT_KEY_PATH: file('client-key.pem') },
      /TEMPORAL_TLS_CLIENT_KEY_PATH=/,
      /TEMPORAL_TLS_CLIENT_CERT_PATH/,
    );
  });

  it('stops on an unreadable file, a file that is not PEM, an expired certificate and a key from another pair', () => {
    refuses(
      { ...PLAINTEXT, TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('missing.pem') },
      /TEMPORAL_TLS_SERVER_CA_CERT_PATH=.*missing\.pem/,
      /ENOENT/,
    );
    refuses(
      { ...PLAINTEXT, TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('not-pem.txt') },
      /TEMPORAL_TLS_SERVER_CA_CERT_PATH/,
      /not a PEM certificate/,
    );
    refuses(
      {
        ...PLAINTEXT,
        TEMPORAL_TLS_CLIENT_CERT_PATH: file('expired.pem'),
        TEMPORAL_TLS_CLIENT_KEY_PATH: file('client-key.pem'),
      },
      /TEMPORAL_TLS_CLIENT_CERT_PATH/,
      /expired/,
    );
    refuses({ ...PLAINTEXT, TEMPORAL_TLS_CLIENT_CERT_DATA: 'garbage' }, /TEMPORAL_TLS_CLIENT_CERT_DATA/);
    refuses(
      {
        ...PLAINTEXT,
        TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem'),
        TEMPORAL_TLS_CLIENT_KEY_PATH: file('other-key.pem'),
      },
      /TEMPORAL_TLS_CLIENT_KEY_PATH=.*other-key\.pem is not the private key of TEMPORAL_TLS_CLIENT_CERT_PATH=/,
    );
  });

  it('reads a temporal.toml profile, the environment overriding it', () => {
    const toml = file('temporal.toml');
    writeFileSync(
      toml,
      [
        '[profile.prod]',
        'address = "prod.example.com:7233"',
        'namespace = "billing-prod"',
        'api_key = "from-file"',
        '',
        '[profile.local]',
        'address = "127.0.0.1:7233"',
      ].join('\n'),
    );
    const prod = loadTemporalConfig({
      HOME: dir,
      ...PLAINTEXT,
      TEMPORAL_CONFIG_FILE: toml,
      TEMPORAL_PROFILE: 'prod',
    });
    assert.equal(prod.address, 'prod.example.com:7233');
    assert.equal(prod.namespace, 'billing-prod');
    assert.equal(prod.apiKey, 'from-file');
    assert.equal(prod.tls, true);
    const overridden = loadTemporalConfig({
      HOME: dir,
      ...PLAINTEXT,
      TEMPORAL_CONFIG_FILE: toml,
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_NAMESPACE: 'billing-staging',
    });
    assert.equal(overridden.namespace, 'billing-staging');
    refuses(
      { ...PLAINTEXT, TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'nope' },
      /TEMPORAL_PROFILE=nope/,
      /nope/,
    );
  });
});

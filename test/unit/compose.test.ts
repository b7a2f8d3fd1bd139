/**
 * docker-compose.yml, checked without Docker: read as Compose reads it (YAML, `${VAR:-default}`
 * interpolation, the Compose specification's JSON schema; helpers/compose.ts), then the pipeline's
 * own structure: services, pinned images, healthchecks, search attributes, retention, ports.
 * Where `docker-compose` is installed (or DOCKER_COMPOSE names one), `docker-compose config` must
 * accept the file too.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../common/search-attributes';
import {
  ComposeError,
  composeBinary,
  composeConfig,
  dependsOn,
  env,
  interpolate,
  loadCompose,
  publishes,
  text,
  validateCompose,
} from '../helpers/compose';
import type { ComposeConfig } from '../helpers/compose';

const COMPOSE_FILE = path.join(__dirname, '..', '..', 'docker-compose.yml');

/** Hours in a Go duration like 720h (or 30d for auto-setup, which accepts days too). */
function hours(duration: string): number {
  const match = /^(\d+)(h|d)$/.exec(duration.trim());
  assert.ok(match, `unexpected retention "${duration}"`);
  return Number(match[1]) * (match[2] === 'd' ? 24 : 1);
}

const SECRET = 'whsec_compose_test';
/** Every variable the file requires (`${VAR:?...}`), as an operator sets them. */
const REQUIRED: Record<string, string> = {
  STRIPE_WEBHOOK_SECRET: SECRET,
  TEMPORAL_PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  CODEC_SERVER_TOKEN: 'compose-test-token',
};
/** REQUIRED without one of its variables. */
function without(name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(REQUIRED).filter(([key]) => key !== name));
}

describe('docker-compose.yml', () => {
  let loaded: ComposeConfig | undefined;
  const config = (): ComposeConfig => (loaded ??= loadCompose<ComposeConfig>(COMPOSE_FILE, REQUIRED));

  it("is valid Compose: the specification's schema, and docker-compose config where installed", (t) => {
    assert.ok(config().services);
    const binary = composeBinary();
    if (binary) {
      const { status, output } = composeConfig(binary, COMPOSE_FILE, REQUIRED);
      assert.equal(status, 0, `${binary} config failed:\n${output}`);
    }
    t.diagnostic(
      binary
        ? `checked against the schema and by ${binary}`
        : 'checked against the schema (docker-compose is not installed; DOCKER_COMPOSE=<binary> adds its check)',
    );
  });

  it('refuses a file the specification does not allow', () => {
    const broken = structuredClone(config()) as unknown as {
      services: Record<string, Record<string, unknown> & { depends_on: Record<string, object> }>;
    };
    broken.services.worker!.depends_on.postgres = { condition: 'service_ready' };
    broken.services.ingress!.restrat = 'always';
    assert.throws(
      () => validateCompose(broken),
      (err: Error) => {
        assert.match(err.message, /\/services\/worker\/depends_on\/postgres\/condition/);
        assert.match(err.message, /restrat/);
        return true;
      },
    );
  });

  it('interpolates like Compose', () => {
    const vars = { SET: 'a', EMPTY: '' };
    assert.equal(
      interpolate('${SET:-x} ${EMPTY:-x} ${EMPTY-x} ${UNSET-x} $SET $$SET', vars),
      'a x  x a $SET',
    );
    assert.equal(interpolate('${UNSET:-${SET}b}', vars), 'ab');
    assert.equal(interpolate('${SET:+on}${EMPTY:+on}${EMPTY+set}', vars), 'onset');
    assert.throws(() => interpolate('${EMPTY:?give it}', vars), /EMPTY.*give it/);
    assert.throws(() => interpolate('cost: $5', vars), ComposeError);
  });

  it('defines the services of the pipeline', () => {
    for (const name of ['postgres', 'temporal', 'temporal-ui', 'worker', 'ingress']) {
      assert.ok(config().services[name], `service ${name} is missing`);
    }
  });

  it('pins every image to a tag', () => {
    for (const [name, service] of Object.entries(config().services)) {
      if (service.build) continue;
      assert.match(service.image ?? '', /^[\w./-]+:[\w.-]+$/, `${name}: image "${service.image}" has no tag`);
      assert.doesNotMatch(service.image ?? '', /:latest$/, `${name}: pin a version, not latest`);
    }
  });

  it('gives postgres a healthcheck and Temporal its own databases on it', () => {
    assert.match(config().services.postgres!.image!, /^postgres:16/);
    assert.match(text(config().services.postgres!.healthcheck?.test), /pg_isready/);
    const temporal = env(config().services.temporal!);
    assert.equal(temporal.DB, 'postgres12');
    assert.equal(temporal.POSTGRES_SEEDS, 'postgres');
    const billing = env(config().services.postgres!).POSTGRES_DB;
    assert.ok(temporal.DBNAME && temporal.DBNAME !== billing, 'Temporal must not share the billing database');
    assert.ok(dependsOn(config().services.temporal!, 'postgres', 'service_healthy'));
    assert.ok(
      config().services.temporal!.healthcheck?.test,
      'temporal needs a healthcheck for the setup to wait on',
    );
  });

  it('registers the Stripe search attributes and a retention of at least 72h', () => {
    const setups = Object.entries(config().services).filter(([, service]) =>
      /search-attribute create/.test(`${text(service.entrypoint)} ${text(service.command)}`),
    );
    assert.equal(
      setups.length,
      1,
      'exactly one service should run `temporal operator search-attribute create`',
    );
    const [setupName, setup] = setups[0]!;
    const script = `${text(setup.entrypoint)} ${text(setup.command)}`;
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_DEFINITIONS)) {
      assert.ok(script.includes(`${name}=${type}`), `${setupName} does not create ${name} as ${type}`);
    }
    assert.match(script, /already exists/, 'the setup must tolerate attributes that already exist');
    const update = /temporal operator namespace update[^\n]*--retention\s+(\S+)/.exec(script);
    assert.ok(update, `${setupName} does not set the namespace retention`);
    assert.ok(hours(update[1]!) >= 72, `retention ${update[1]} is under 72h`);
    assert.ok(
      dependsOn(setup, 'temporal', 'service_healthy'),
      `${setupName} must wait for a healthy temporal`,
    );
    const created = env(config().services.temporal!).DEFAULT_NAMESPACE_RETENTION;
    assert.ok(created && hours(created) >= 72, `auto-setup creates the namespace with retention ${created}`);

    for (const name of ['worker', 'ingress']) {
      assert.ok(
        dependsOn(config().services[name]!, setupName, 'service_completed_successfully'),
        `${name} must start after ${setupName} completed`,
      );
    }
  });

  it('runs the worker and the ingress from the image built here', () => {
    const { worker, ingress } = config().services;
    assert.ok(worker!.build && ingress!.build, 'worker and ingress build the Dockerfile');
    assert.match(text(ingress!.command), /node\s+dist\/ingress\/main\.js/);
    assert.ok(!worker!.command, 'the worker runs the image default CMD (dist/worker/main.js)');
    const workerEnv = env(worker!);
    assert.match(workerEnv.DATABASE_URL ?? '', /^postgres(ql)?:\/\/.*@postgres:5432\//);
    assert.equal(workerEnv.TEMPORAL_ADDRESS, 'temporal:7233');
    const ingressEnv = env(ingress!);
    assert.equal(ingressEnv.TEMPORAL_ADDRESS, 'temporal:7233');
    assert.equal(ingressEnv.STRIPE_WEBHOOK_SECRET, SECRET);
    assert.equal(ingressEnv.PORT, '3000');
    assert.equal(workerEnv.TEMPORAL_TASK_QUEUE, ingressEnv.TEMPORAL_TASK_QUEUE);
    assert.equal(workerEnv.TEMPORAL_NAMESPACE, ingressEnv.TEMPORAL_NAMESPACE);
  });

  it('publishes the ingress on port 3000 and the Web UI', () => {
    assert.ok(publishes(config().services.ingress!, 3000), 'ingress must publish 3000:3000');
    assert.match(config().services['temporal-ui']!.image!, /^temporalio\/ui:/);
    assert.ok((config().services['temporal-ui']!.ports ?? []).length > 0, 'temporal-ui publishes no port');
  });

  for (const name of Object.keys(REQUIRED)) {
    it(`refuses to start without ${name}, and says how to set it`, (t) => {
      assert.throws(
        () => loadCompose(COMPOSE_FILE, without(name)),
        (error: unknown) =>
          error instanceof ComposeError &&
          error.message.startsWith(`required variable ${name} is missing a value: set ${name}`),
      );
      const binary = composeBinary();
      if (binary) {
        const { status, output } = composeConfig(binary, COMPOSE_FILE, without(name));
        assert.notEqual(status, 0, `${binary} config should fail without ${name}`);
        assert.match(output, new RegExp(name));
      }
      t.diagnostic(
        binary ? `also refused by ${binary}` : 'refused by the interpolation (no docker-compose here)',
      );
    });
  }
});

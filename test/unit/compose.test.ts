/**
 * docker-compose.yml and Dockerfile, checked for real: `docker-compose config` parses, validates
 * and interpolates the file the way `docker-compose up` would (no Docker engine needed).
 *
 * Needs Debian's `docker-compose` package (`apt-get install docker-compose`, /usr/bin/docker-compose,
 * Compose v1.29). Compose v2 works too. DOCKER_COMPOSE overrides the binary.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../common/search-attributes';

const ROOT = path.join(__dirname, '..', '..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const COMPOSE = process.env.DOCKER_COMPOSE ?? 'docker-compose';
const INSTALL_HINT =
  `"${COMPOSE}" was not found on PATH. This test validates docker-compose.yml with it and never skips: ` +
  'install it with `apt-get install docker-compose` (Debian package docker-compose → /usr/bin/docker-compose).';

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | null> | string[];
  ports?: (string | number | { published?: string | number; target?: string | number })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
}

interface ComposeConfig {
  services: Record<string, Service>;
}

let scratch: string;
let emptyEnvFile: string;

function which(bin: string): string | undefined {
  if (bin.includes('/')) return existsSync(bin) ? bin : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, bin);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A clean environment: a developer's shell or .env must not change what is validated. */
function composeEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME ?? os.tmpdir(), LANG: 'C.UTF-8', ...extra };
}

function compose(args: string[], extra: Record<string, string>, input?: string) {
  const binary = which(COMPOSE);
  if (!binary) assert.fail(INSTALL_HINT);
  const result = spawnSync(binary, ['--env-file', emptyEnvFile, '-f', COMPOSE_FILE, ...args], {
    cwd: ROOT,
    env: composeEnv(extra),
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  if (result.error) assert.fail(`${binary} ${args.join(' ')}: ${result.error.message}. ${INSTALL_HINT}`);
  return { binary, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function composeVersion(): string {
  const binary = which(COMPOSE);
  if (!binary) assert.fail(INSTALL_HINT);
  const result = spawnSync(binary, ['version', '--short'], { encoding: 'utf8', env: composeEnv({}) });
  assert.equal(result.status, 0, `${binary} version --short failed: ${result.stderr}`);
  return result.stdout.trim().replace(/^v/, '');
}

/** The interpolated, validated configuration, as JSON. */
function loadConfig(extra: Record<string, string>): ComposeConfig {
  if (!composeVersion().startsWith('1.')) {
    const { status, stdout, stderr } = compose(['config', '--format', 'json'], extra);
    assert.equal(status, 0, `docker-compose config failed:\n${stderr}`);
    return JSON.parse(stdout) as ComposeConfig;
  }
  // Compose v1 prints YAML only. It is a Python program whose package depends on python3-yaml:
  // convert with the interpreter from its shebang.
  const { binary, status, stdout, stderr } = compose(['config'], extra);
  assert.equal(status, 0, `docker-compose config failed:\n${stderr}`);
  const shebang = readFileSync(binary, 'utf8').split('\n', 1)[0] ?? '';
  const python = /^#!\s*(\S*python\S*)/.exec(shebang)?.[1];
  assert.ok(python, `${binary} is Compose v1 but has no python shebang (${shebang})`);
  const converted = spawnSync(
    python,
    ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
    { input: stdout, encoding: 'utf8' },
  );
  assert.equal(converted.status, 0, `YAML → JSON with ${python} failed: ${converted.stderr}`);
  return JSON.parse(converted.stdout) as ComposeConfig;
}

function text(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
}

function env(service: Service): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(service.environment)) {
    for (const entry of service.environment) {
      const [key, ...rest] = entry.split('=');
      out[key!] = rest.join('=');
    }
  } else {
    for (const [key, value] of Object.entries(service.environment ?? {})) out[key] = String(value ?? '');
  }
  return out;
}

function publishes(service: Service, port: number): boolean {
  return (service.ports ?? []).some((entry) => {
    if (typeof entry === 'object') return Number(entry.published) === port && Number(entry.target) === port;
    const parts = String(entry)
      .replace(/\/\w+$/, '')
      .split(':');
    return Number(parts.at(-1)) === port && Number(parts.at(-2)) === port;
  });
}

function dependsOn(service: Service, name: string, condition: string): boolean {
  const deps = service.depends_on;
  if (!deps || Array.isArray(deps)) return false;
  return deps[name]?.condition === condition;
}

/** Hours in a Go duration like 720h (or 30d for auto-setup, which accepts days too). */
function hours(duration: string): number {
  const match = /^(\d+)(h|d)$/.exec(duration.trim());
  assert.ok(match, `unexpected retention "${duration}"`);
  return Number(match[1]) * (match[2] === 'd' ? 24 : 1);
}

const SECRET = 'whsec_compose_test';

describe('docker-compose.yml', () => {
  let loaded: ComposeConfig | undefined;
  // Loaded by the first test that needs it, so a missing binary fails each test with the hint.
  const config = (): ComposeConfig => (loaded ??= loadConfig({ STRIPE_WEBHOOK_SECRET: SECRET }));

  before(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'compose-test-'));
    emptyEnvFile = path.join(scratch, 'empty.env');
    writeFileSync(emptyEnvFile, '');
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('has docker-compose installed', () => {
    assert.ok(which(COMPOSE), INSTALL_HINT);
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

  it('refuses to start without STRIPE_WEBHOOK_SECRET', () => {
    const { status, stderr, stdout } = compose(['config', '--quiet'], {});
    assert.notEqual(status, 0, 'docker-compose config should fail without STRIPE_WEBHOOK_SECRET');
    assert.match(`${stderr}${stdout}`, /STRIPE_WEBHOOK_SECRET/);
  });
});

interface Stage {
  from: string;
  name: string | undefined;
  lines: string[];
}

/** Dockerfile stages: FROM image (ARG defaults resolved) AS name, and each stage's instructions. */
function dockerfileStages(source: string): Stage[] {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  const instructions = source
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  for (const line of instructions) {
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      const image = from[1]!.replace(/\$\{?(\w+)\}?/g, (_, name: string) => args[name] ?? '');
      stages.push({ from: image, name: from[2], lines: [] });
      continue;
    }
    const arg = /^ARG\s+(\w+)=(\S+)/i.exec(line);
    if (arg && stages.length === 0) args[arg[1]!] = arg[2]!;
    stages.at(-1)?.lines.push(line);
  }
  return stages;
}

describe('Dockerfile', () => {
  const file = path.join(ROOT, 'Dockerfile');

  it('exists, and its final stage ships the dist that a build stage compiles', () => {
    assert.ok(existsSync(file), 'Dockerfile is missing');
    const stages = dockerfileStages(readFileSync(file, 'utf8'));
    assert.ok(stages.length >= 2, 'expected a multi-stage build');
    for (const stage of stages) assert.equal(stage.from, 'node:20-bookworm-slim');

    const builder = stages.find((stage) =>
      stage.lines.some((line) => /^RUN\b.*\bnpm run build\b/.test(line)),
    );
    assert.ok(builder?.name, 'no named stage runs `npm run build`');
    assert.ok(
      builder.lines.some((line) => /^RUN\b.*\bnpm ci\b/.test(line)),
      'the build stage must install with npm ci',
    );

    const final = stages.at(-1)!;
    assert.notEqual(final, builder, 'the final stage should not carry the build toolchain');
    const copies = final.lines.filter((line) => line.startsWith('COPY'));
    const from = `--from=${builder.name}`;
    assert.ok(
      copies.some((line) => line.includes(from) && /\/dist\s+\S*dist\/?$/.test(line)),
      `final stage must COPY ${from} …/dist ./dist`,
    );
    assert.ok(
      copies.some((line) => /db\/migrations\s+\S*dist\/db\/migrations\/?$/.test(line)),
      'db/migrations must be copied to dist/db/migrations (dist/db/client.js reads __dirname/migrations)',
    );
    const modules = copies.find((line) => /node_modules/.test(line));
    assert.ok(modules, 'final stage has no node_modules');
    const depsStage = stages.find((stage) => modules.includes(`--from=${stage.name}`));
    assert.ok(
      depsStage?.lines.some((line) => /npm ci\b.*--omit=dev/.test(line)),
      'final node_modules must come from `npm ci --omit=dev`',
    );
    assert.ok(final.lines.includes('CMD ["node", "dist/worker/main.js"]'), 'default CMD must run the worker');
    assert.ok(
      final.lines.some((line) => /^USER\s+(?!root\b)\S+/.test(line)),
      'final stage should not run as root',
    );
  });

  it('keeps secrets and local state out of the build context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split(/\r?\n/)
      .map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', '.data', '.env', '.git']) {
      assert.ok(ignored.includes(entry), `.dockerignore should list ${entry}`);
    }
  });
});

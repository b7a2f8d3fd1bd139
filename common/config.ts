/**
 * Configuration is read once from the environment, typed, and fails fast with a message that
 * names the variable. Every variable is documented in .env.example.
 */
import { ConfigError } from './config-error';
import { loadProviders } from './provider-config';
import type { ProviderConfig } from './provider-config';
import type { Subscriber } from './subscriber-contract';
import { loadSubscriptions } from './subscriptions';
import { loadTemporalConfig } from './temporal-config';
import type { TemporalConfig } from './temporal-config';

export { ConfigError } from './config-error';
export { loadTemporalConfig } from './temporal-config';
export type { TemporalConfig } from './temporal-config';

type Env = Record<string, string | undefined>;

export interface IngressConfig {
  port: number;
  webhookSecrets: string[];
  toleranceSeconds: number;
  maxBodyBytes: number;
  startTimeoutMs: number;
  /** Longest a client may take to send a whole request; slower ones get 408 (slow-body defence). */
  requestTimeoutMs: number;
  /** Senders other than Stripe (WEBHOOK_PROVIDERS), each on POST /webhooks/<name>. */
  providers: ProviderConfig[];
  temporal: TemporalConfig;
}

/** Stripe's API, for reconciliation, backfill and re-fetch. Absent when STRIPE_API_KEY is unset. */
export interface StripeApiConfig {
  apiKey: string;
  /** Another API server (stripe-mock, the tests' fake): http://127.0.0.1:12111. Stripe's when absent. */
  baseUrl: string | undefined;
  /** Token bucket refill rate; Stripe allows 100 read requests/s in live mode, 25 in test mode. */
  requestsPerSecond: number;
  /** STRIPE_CONNECT_ACCOUNTS: connected accounts reconcile, backfill and sync cover besides the platform. */
  connectAccounts?: ConnectAccounts | undefined;
}

/** Connected accounts by id, or `all` of them (listed with `stripe.accounts.list` when needed). */
export type ConnectAccounts = readonly string[] | 'all';

const ACCOUNT_ID = /^acct_[A-Za-z0-9]+$/;

/** `acct_1,acct_2` or `all`; unset: none, the platform account alone. */
export function parseConnectAccounts(raw: string | undefined): ConnectAccounts {
  if (raw === undefined) return [];
  if (raw === 'all') return 'all';
  const ids = raw
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const bad = ids.filter((id) => !ACCOUNT_ID.test(id));
  if (bad.length > 0) {
    throw new ConfigError(
      `STRIPE_CONNECT_ACCOUNTS must be "all" or connected account ids (acct_...), comma-separated; got ${bad
        .map((id) => `"${id}"`)
        .join(', ')}`,
    );
  }
  return [...new Set(ids)];
}

export interface WorkerConfig {
  databaseUrl: string;
  stripeApi: StripeApiConfig | undefined;
  /** Object types (`subscription`, `invoice`, ...) whose handlers retrieve the object from the API. */
  refetchObjects: string[];
  reconcileIntervalMinutes: number;
  /** host:port where the worker serves Prometheus metrics (the SDK's and ours); off when unset. */
  metricsAddress: string | undefined;
  /** Stuck-event gauges (published with the metrics, so only when metricsAddress is set). */
  stuckEvents: { thresholdSeconds: number; intervalSeconds: number };
  /** A prebundled workflow file (`npm run build` writes dist/workflow-bundle.js, found by default). */
  workflowBundlePath: string | undefined;
  /** The subscription table from SUBSCRIPTIONS_FILE; empty when unset. */
  subscribers: Subscriber[];
  temporal: TemporalConfig;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function required(env: Env, name: string, hint: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(`${name} is not set: ${hint}`);
  return value;
}

export function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

function hostPort(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  if (value !== undefined && !/^[^\s:/]+:\d{1,5}$/.test(value)) {
    throw new ConfigError(`${name} must be host:port (e.g. 0.0.0.0:9464), got "${value}"`);
  }
  return value;
}

export function parseWebhookSecrets(raw: string): string[] {
  const secrets = raw
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret.length > 0);
  if (secrets.length === 0) {
    throw new ConfigError(
      'STRIPE_WEBHOOK_SECRET holds no secret: give one or more whsec_... values, comma-separated',
    );
  }
  return secrets;
}

export function loadIngressConfig(env: Env = process.env): IngressConfig {
  const secrets = required(
    env,
    'STRIPE_WEBHOOK_SECRET',
    'give the endpoint signing secret(s) (whsec_...), comma-separated during a rotation',
  );
  return {
    port: positiveInt(env, 'PORT', 3000),
    webhookSecrets: parseWebhookSecrets(secrets),
    toleranceSeconds: positiveInt(env, 'STRIPE_WEBHOOK_TOLERANCE_SECONDS', 300),
    maxBodyBytes: positiveInt(env, 'WEBHOOK_MAX_BODY_BYTES', 1024 * 1024),
    startTimeoutMs: positiveInt(env, 'TEMPORAL_START_TIMEOUT_MS', 5000),
    requestTimeoutMs: positiveInt(env, 'INGRESS_REQUEST_TIMEOUT_MS', 30_000),
    providers: loadProviders(env),
    temporal: loadTemporalConfig(env),
  };
}

export function loadStripeApiConfig(env: Env = process.env): StripeApiConfig | undefined {
  const apiKey = optional(env, 'STRIPE_API_KEY');
  if (apiKey === undefined) return undefined;
  const baseUrl = optional(env, 'STRIPE_API_BASE');
  if (baseUrl !== undefined && !/^https?:\/\/[^/]+\/?$/.test(baseUrl)) {
    throw new ConfigError(`STRIPE_API_BASE must look like http://host:port, got "${baseUrl}"`);
  }
  return {
    apiKey,
    baseUrl,
    requestsPerSecond: positiveInt(env, 'STRIPE_API_REQUESTS_PER_SECOND', 20),
    connectAccounts: parseConnectAccounts(optional(env, 'STRIPE_CONNECT_ACCOUNTS')),
  };
}

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const refetchObjects = (optional(env, 'STRIPE_REFETCH_OBJECTS') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  const stripeApi = loadStripeApiConfig(env);
  if (refetchObjects.length > 0 && !stripeApi) {
    throw new ConfigError("STRIPE_REFETCH_OBJECTS needs STRIPE_API_KEY: re-fetch reads from Stripe's API");
  }
  return {
    databaseUrl: required(env, 'DATABASE_URL', 'give a postgres:// URL for the billing mirror'),
    stripeApi,
    refetchObjects,
    reconcileIntervalMinutes: positiveInt(env, 'STRIPE_RECONCILE_INTERVAL_MINUTES', 5),
    metricsAddress: hostPort(env, 'WORKER_METRICS_ADDRESS'),
    stuckEvents: {
      thresholdSeconds: positiveInt(env, 'STUCK_EVENT_THRESHOLD_SECONDS', 300),
      intervalSeconds: positiveInt(env, 'STUCK_EVENTS_CHECK_INTERVAL_SECONDS', 60),
    },
    workflowBundlePath: optional(env, 'WORKFLOW_BUNDLE_PATH'),
    subscribers: loadSubscriptions(env),
    temporal: loadTemporalConfig(env),
  };
}

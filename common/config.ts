/**
 * Configuration is read once from the environment, typed, and fails fast with a message that
 * names the variable. Every variable is documented in .env.example.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
}

export interface IngressConfig {
  port: number;
  webhookSecrets: string[];
  toleranceSeconds: number;
  maxBodyBytes: number;
  startTimeoutMs: number;
  temporal: TemporalConfig;
}

export interface WorkerConfig {
  databaseUrl: string;
  stripeApiKey: string | undefined;
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

export function loadTemporalConfig(env: Env = process.env): TemporalConfig {
  return {
    address: optional(env, 'TEMPORAL_ADDRESS') ?? 'localhost:7233',
    namespace: optional(env, 'TEMPORAL_NAMESPACE') ?? 'default',
    taskQueue: optional(env, 'TEMPORAL_TASK_QUEUE') ?? 'stripe-events',
  };
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
    temporal: loadTemporalConfig(env),
  };
}

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  return {
    databaseUrl: required(env, 'DATABASE_URL', 'give a postgres:// URL for the billing mirror'),
    stripeApiKey: optional(env, 'STRIPE_API_KEY'),
    temporal: loadTemporalConfig(env),
  };
}

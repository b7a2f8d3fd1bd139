import type { Client } from '@temporalio/client';
import { loadStripeApiConfig, loadTemporalConfig } from '../common/config';
import type { StripeApiConfig, TemporalConfig } from '../common/config';
import { withLocalPayloadKeys } from '../common/local-data';
import { createStripeApi } from '../common/stripe-api';
import type { Subscriber } from '../common/subscriber-contract';
import { loadSubscriptions } from '../common/subscriptions';
import type { StripeApi } from '../common/stripe-api';
import { createLazyClient } from '../common/temporal-connection';
import type { Database, DatabaseHandle } from '../db/client';
import { UsageError } from './format';
import { openOpsDatabase, opsDatabaseUrl } from './local-database';

type Env = Record<string, string | undefined>;

/** The services' own configuration (same variables), plus where the Web UI is for links. */
export interface OpsConfig {
  temporal: TemporalConfig;
  databaseUrl: string | undefined;
  /** Set when databaseUrl came from the file a running `npm start` writes. */
  databaseUrlFile?: string;
  stripeApi: StripeApiConfig | undefined;
  uiUrl: string;
  /** SUBSCRIPTIONS_FILE, when set: names to check, and which subscribers an event's type matches. */
  subscribers: Subscriber[];
}

export function loadOpsConfig(env: Env = process.env): OpsConfig {
  return {
    // On the quick start's machine, the key `npm start` generated decrypts what it wrote.
    temporal: loadTemporalConfig(withLocalPayloadKeys(env, { create: false }).env),
    ...opsDatabaseUrl(env),
    stripeApi: loadStripeApiConfig(env),
    uiUrl: (env.TEMPORAL_UI_URL?.trim() || 'http://localhost:8233').replace(/\/$/, ''),
    subscribers: loadSubscriptions(env),
  };
}

/** What every command gets: a Temporal client, and Postgres and Stripe's API when configured. */
export interface Ops {
  config: OpsConfig;
  client: Client;
  /** The billing database, or undefined without DATABASE_URL. */
  db(): Promise<Database | undefined>;
  /** The database, or a usage error naming DATABASE_URL. */
  requireDb(why: string): Promise<Database>;
  /** Stripe's API, or a usage error naming STRIPE_API_KEY. */
  requireStripeApi(why: string): StripeApi;
  workflowUrl(workflowId: string, runId?: string): string;
  close(): Promise<void>;
}

export interface OpsOverrides {
  client?: Client;
  db?: Database;
  stripeApi?: StripeApi;
}

/** Connections are opened on first use: `pause-handler` never dials Temporal, `stuck` may skip Postgres. */
export function createOps(config: OpsConfig, overrides: OpsOverrides = {}): Ops {
  const client = overrides.client ?? createLazyClient(config.temporal);
  let database: Promise<DatabaseHandle> | undefined;
  let stripeApi = overrides.stripeApi;
  const db = async () => {
    if (overrides.db) return overrides.db;
    if (!config.databaseUrl) return undefined;
    database ??= openOpsDatabase(config.databaseUrl, config.databaseUrlFile);
    return (await database).db;
  };
  return {
    config,
    client,
    db,
    async requireDb(why) {
      const found = await db();
      if (!found) {
        throw new UsageError(`${why} needs the billing database: set DATABASE_URL, or run \`npm start\``);
      }
      return found;
    },
    requireStripeApi(why) {
      if (stripeApi) return stripeApi;
      if (!config.stripeApi) throw new UsageError(`${why} needs Stripe's API: set STRIPE_API_KEY`);
      stripeApi = createStripeApi(config.stripeApi);
      return stripeApi;
    },
    workflowUrl(workflowId, runId) {
      const base = `${config.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
      return runId ? `${base}/${runId}` : base;
    },
    async close() {
      // A database that never opened (npm start not running) has nothing to close.
      if (database) await (await database.catch(() => undefined))?.close();
      if (!overrides.client) await client.connection.close();
    },
  };
}

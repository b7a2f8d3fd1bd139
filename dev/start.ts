/**
 * `npm start`: the whole pipeline on one machine with nothing configured.
 *   - a Temporal dev server persisted in .data/temporal.db, Web UI on 8233
 *     (or the server at TEMPORAL_ADDRESS when set)
 *   - Postgres at DATABASE_URL, or a real embedded Postgres in .data/postgres when unset
 *     (dev/embedded-database.ts), its URL printed and kept in .data/database-url for `npm run ops`
 *   - migrations, then the worker and the ingress on PORT (3000), in this one process
 * The production entry points are worker/main.ts and ingress/main.ts, one process each.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadIngressConfig, loadWorkerConfig, parseWebhookSecrets, positiveInt } from '../common/config';
import { logger } from '../common/logger';
import { openPostgres } from '../db/client';
import { startIngress } from '../ingress/server';
import { startStripeServices } from '../ops/reconcile-schedule';
import { createStripeWorker } from '../worker/create-worker';
import { survivePostgresWriteRace } from '../worker/postgres-write-race';
import { installWorkerRuntime } from '../worker/runtime';
import { configureNamespace, isPortFree, startDevServer } from './dev-server';
import type { DevServer } from './dev-server';
import { startEmbeddedDatabase } from './embedded-database';

const DATA_DIR = path.resolve(process.env.DATA_DIR?.trim() || '.data');
export const LOCAL_SECRET_FILE = path.join(DATA_DIR, 'webhook-secret');

/** A stable local secret, so `npm run send` and restarts agree without configuration. */
function webhookSecrets(): string[] {
  if (process.env.STRIPE_WEBHOOK_SECRET) return parseWebhookSecrets(process.env.STRIPE_WEBHOOK_SECRET);
  if (!existsSync(LOCAL_SECRET_FILE)) {
    writeFileSync(LOCAL_SECRET_FILE, `whsec_local_${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  }
  return [readFileSync(LOCAL_SECRET_FILE, 'utf8').trim()];
}

async function main(): Promise<void> {
  mkdirSync(DATA_DIR, { recursive: true });
  installWorkerRuntime({ logger, minLogLevel: 'WARN' });
  survivePostgresWriteRace(logger);
  const secrets = webhookSecrets();
  // The same typed, validated configuration as the production ingress, with the local secret.
  const config = loadIngressConfig({ ...process.env, STRIPE_WEBHOOK_SECRET: secrets.join(',') });
  const { temporal, port } = config;

  let devServer: DevServer | undefined;
  if (!process.env.TEMPORAL_ADDRESS) {
    const devPort = positiveInt(process.env, 'TEMPORAL_DEV_PORT', 7233);
    const uiPort = positiveInt(process.env, 'TEMPORAL_UI_PORT', 8233);
    for (const [name, taken] of [
      ['TEMPORAL_DEV_PORT', devPort],
      ['TEMPORAL_UI_PORT', uiPort],
    ] as const) {
      if (!(await isPortFree(taken))) {
        throw new Error(
          `port ${taken} is already in use. If a Temporal server runs there, use it with ` +
            `TEMPORAL_ADDRESS=127.0.0.1:${taken}; otherwise choose another port with ${name}.`,
        );
      }
    }
    logger.info('starting the Temporal dev server (first run may build the CLI)');
    devServer = await startDevServer({
      port: devPort,
      uiPort,
      dbFilename: path.join(DATA_DIR, 'temporal.db'),
      // WAL: 43 % less dev-server CPU per event than SQLite's rollback journal (bench/README.md).
      // NORMAL syncs at checkpoints: a process crash loses nothing, an OS crash may lose the last
      // commits, which is fine for a development server.
      sqlitePragmas: { journal_mode: 'wal', synchronous: 'normal' },
      logFile: path.join(DATA_DIR, 'temporal.log'),
      namespace: temporal.namespace,
    });
    temporal.address = devServer.address;
  } else {
    const connection = await Connection.connect({ address: temporal.address });
    await configureNamespace(connection, temporal.namespace);
    await connection.close();
  }

  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedDatabase(DATA_DIR);
  const database = await openPostgres(process.env.DATABASE_URL || embedded!.url);
  await database.migrate();

  // The worker's Stripe settings as worker/main.ts reads them (the database is chosen above).
  const workerConfig = loadWorkerConfig({
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? 'embedded',
  });
  const stripe = await startStripeServices(
    workerConfig.stripeApi,
    temporal,
    workerConfig.reconcileIntervalMinutes * 60,
  );
  const workerConnection = await NativeConnection.connect({ address: temporal.address });
  const worker = await createStripeWorker({
    connection: workerConnection,
    temporal,
    db: database.db,
    stripeApi: stripe?.stripeApi,
    refetchObjects: workerConfig.refetchObjects,
    client: stripe?.client,
  });
  const workerRunning = worker.run();

  const ingress = await startIngress(config);
  // Stop taking webhooks at once; the SDK's own handler of the same signals drains the worker.
  const ingressStopped = new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(ingress.stop()));
  });

  const uiUrl = devServer?.uiUrl ?? 'your Temporal Web UI';
  console.log(`
  Stripe → Temporal pipeline is running.

  Webhook URL     http://localhost:${port}/webhooks/stripe
  Temporal Web UI ${uiUrl}/namespaces/${temporal.namespace}/workflows
  Database        ${embedded?.description ?? 'DATABASE_URL'}
  Reconciliation  ${stripe ? `every ${workerConfig.reconcileIntervalMinutes} min from Stripe's Events API (schedule ${stripe.scheduleId})` : 'off (set STRIPE_API_KEY to turn it on)'}
  Signing secret  ${secrets[0]}${process.env.STRIPE_WEBHOOK_SECRET ? ' (from STRIPE_WEBHOOK_SECRET)' : ` (saved in ${LOCAL_SECRET_FILE})`}

  Send a signed sample event:   npm run send -- customer.subscription.created
  Forward real test events:     stripe listen --forward-to http://localhost:${port}/webhooks/stripe
    then restart with STRIPE_WEBHOOK_SECRET=<the whsec_ it prints>,${secrets[0]}
  Stop with Ctrl-C.
`);

  // Worker.run() resolves once Runtime's SIGINT/SIGTERM handling has drained it.
  await workerRunning;
  await ingressStopped;
  await workerConnection.close();
  await stripe?.close();
  await database.close();
  await embedded?.stop();
  await devServer?.stop();
}

main().catch((err) => {
  logger.error(err);
  process.exit(1);
});

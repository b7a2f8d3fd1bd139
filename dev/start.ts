/**
 * `npm start`: the whole pipeline on one machine with nothing configured.
 *   - a Temporal dev server persisted in .data/temporal.db, Web UI on 8233
 *     (or the server at TEMPORAL_ADDRESS when set)
 *   - payloads encrypted with a key generated once in .data/payload-keys (or the configured keys),
 *     and the codec server on 8888 through which the Web UI shows them decrypted
 *   - Postgres at DATABASE_URL, or a real embedded Postgres in .data/postgres when unset
 *     (dev/embedded-database.ts), its URL printed and kept in .data/database-url for `npm run ops`
 *   - migrations, then the worker and the ingress on PORT (3000), in this one process on one
 *     connection, starting workflows eagerly (combined/start-combined.ts)
 * The production entry points are combined/main.ts, or worker/main.ts and ingress/main.ts apart.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadIngressConfig, loadWorkerConfig, positiveInt } from '../common/config';
import { startCombined } from '../combined/start-combined';
import { localFiles, withLocalPayloadKeys } from '../common/local-data';
import { logger } from '../common/logger';
import type { TemporalConfig } from '../common/temporal-config';
import { connectClient } from '../common/temporal-connection';
import { openPostgres } from '../db/client';
import { startCodecServer } from '../ops/codec-server';
import type { RunningCodecServer } from '../ops/codec-server';
import { survivePostgresWriteRace } from '../worker/postgres-write-race';
import { installWorkerRuntime } from '../worker/runtime';
import { isPortFree, LOCAL_DEV_SERVER_TUNING, startDevServer } from './dev-server';
import type { DevServer } from './dev-server';
import { startEmbeddedDatabase } from './embedded-database';
import { localWebhookSecrets } from './local-secrets';
import { configureNamespace } from './namespace';
import { printBanner } from './start-banner';

const files = localFiles();

async function assertPortsFree(ports: [variable: string, port: number][]): Promise<void> {
  for (const [name, port] of ports) {
    if (!(await isPortFree(port))) {
      throw new Error(
        `port ${port} is already in use: stop what runs there, or choose another port with ${name}` +
          (name === 'TEMPORAL_DEV_PORT'
            ? `, or use that Temporal server with TEMPORAL_ADDRESS=127.0.0.1:${port}`
            : ''),
      );
    }
  }
}

/** The codec server, for the Web UI on `uiPort` and for `temporal ... --codec-endpoint`. */
async function startLocalCodecServer(
  temporal: TemporalConfig,
  uiPort: number,
): Promise<RunningCodecServer | undefined> {
  if (!temporal.payloadKeys) return undefined;
  return startCodecServer({
    keys: temporal.payloadKeys,
    port: positiveInt(process.env, 'CODEC_SERVER_PORT', 8888),
    corsOrigins: [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`],
    logger,
  });
}

async function main(): Promise<void> {
  mkdirSync(files.dir, { recursive: true });
  installWorkerRuntime({ logger, minLogLevel: 'WARN' });
  survivePostgresWriteRace(logger);
  const secrets = localWebhookSecrets();
  const keys = withLocalPayloadKeys(process.env, { create: true });
  // The same typed, validated configuration as the production ingress, with the local secret and key.
  const config = loadIngressConfig({ ...keys.env, STRIPE_WEBHOOK_SECRET: secrets.join(',') });
  const { temporal } = config;
  const uiPort = positiveInt(process.env, 'TEMPORAL_UI_PORT', 8233);
  const devPort = positiveInt(process.env, 'TEMPORAL_DEV_PORT', 7233);
  const ownServer = !process.env.TEMPORAL_ADDRESS;
  await assertPortsFree([
    ...(ownServer
      ? ([
          ['TEMPORAL_DEV_PORT', devPort],
          ['TEMPORAL_UI_PORT', uiPort],
        ] as [string, number][])
      : []),
    ...(temporal.payloadKeys
      ? ([['CODEC_SERVER_PORT', positiveInt(process.env, 'CODEC_SERVER_PORT', 8888)]] as [string, number][])
      : []),
  ]);
  const codecServer = await startLocalCodecServer(temporal, uiPort);

  let devServer: DevServer | undefined;
  if (ownServer) {
    logger.info('starting the Temporal dev server (first run may build the CLI)');
    devServer = await startDevServer({
      port: devPort,
      uiPort,
      dbFilename: path.join(files.dir, 'temporal.db'),
      // WAL, a page cache and one task-queue partition: measured in dev/dev-server.ts.
      ...LOCAL_DEV_SERVER_TUNING,
      logFile: path.join(files.dir, 'temporal.log'),
      namespace: temporal.namespace,
      uiCodecEndpoint: codecServer?.url,
    });
    temporal.address = devServer.address;
  } else {
    const client = await connectClient(temporal);
    await configureNamespace(client.connection, temporal.namespace);
    await client.connection.close();
  }

  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedDatabase(files.dir);
  const database = await openPostgres(process.env.DATABASE_URL || embedded!.url);
  await database.migrate();

  // The worker's settings as worker/main.ts reads them (the database and server are chosen above).
  const workerConfig = {
    ...loadWorkerConfig({ ...keys.env, DATABASE_URL: process.env.DATABASE_URL ?? 'embedded' }),
    temporal,
  };
  // One process, one connection, eager start (combined/start-combined.ts).
  const { worker, ingress } = await startCombined(config, workerConfig, database.db);
  // Stop taking webhooks at once; the SDK's own handler of the same signals drains the worker.
  const ingressStopped = new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(ingress.stop()));
  });

  printBanner({
    port: config.port,
    namespace: temporal.namespace,
    uiUrl: devServer?.uiUrl,
    database: embedded?.description ?? 'DATABASE_URL',
    reconciliation: worker.scheduleId
      ? `every ${workerConfig.reconcileIntervalMinutes} min from Stripe's Events API (schedule ${worker.scheduleId})`
      : 'off (set STRIPE_API_KEY to turn it on)',
    secret: secrets[0]!,
    secretSource: process.env.STRIPE_WEBHOOK_SECRET ? 'STRIPE_WEBHOOK_SECRET' : files.webhookSecret,
    payloads: temporal.payloadKeys
      ? `encrypted with key ${temporal.payloadKeys[0]?.id} (${keys.source ?? 'configured'})`
      : 'plaintext (TEMPORAL_PAYLOAD_ENCRYPTION=off)',
    codecUrl: codecServer?.url,
    canSync: worker.scheduleId !== undefined,
  });

  // Worker.run() resolves once Runtime's SIGINT/SIGTERM handling has drained it.
  await worker.running;
  await ingressStopped;
  await worker.stop();
  await database.close();
  await embedded?.stop();
  await devServer?.stop();
  await codecServer?.stop();
}

main().catch((err) => {
  logger.error(err);
  process.exit(1);
});

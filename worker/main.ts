import { NativeConnection } from '@temporalio/worker';
import { loadWorkerConfig } from '../common/config';
import { logger } from '../common/logger';
import { openPostgres } from '../db/client';
import { startStripeServices } from '../ops/reconcile-schedule';
import { createStripeWorker } from './create-worker';
import { survivePostgresWriteRace } from './postgres-write-race';
import { installWorkerRuntime } from './runtime';

/**
 * Production worker: applies migrations, then polls the task queue until SIGTERM/SIGINT, when the
 * SDK stops polling and lets in-flight activities finish before run() resolves.
 */
async function main(): Promise<void> {
  const config = loadWorkerConfig();
  installWorkerRuntime({ logger, metricsAddress: config.metricsAddress });
  survivePostgresWriteRace(logger);
  const database = await openPostgres(config.databaseUrl);
  await database.migrate();
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  // With STRIPE_API_KEY: re-fetch, and the reconcile schedule (created or updated idempotently).
  const stripe = await startStripeServices(
    config.stripeApi,
    config.temporal,
    config.reconcileIntervalMinutes * 60,
  ).catch(async (err) => {
    await connection.close();
    await database.close();
    throw err;
  });
  try {
    const worker = await createStripeWorker({
      connection,
      temporal: config.temporal,
      db: database.db,
      workflowBundlePath: config.workflowBundlePath,
      stripeApi: stripe?.stripeApi,
      refetchObjects: config.refetchObjects,
      client: stripe?.client,
    });
    logger.info(
      { taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace },
      'worker started',
    );
    await worker.run();
  } finally {
    await stripe?.close();
    await connection.close();
    await database.close();
  }
}

main().catch((err) => {
  logger.error(err);
  process.exit(1);
});

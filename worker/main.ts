import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadWorkerConfig } from '../common/config';
import { logger } from '../common/logger';
import { temporalLoggerFor } from '../common/temporal-logger';
import { openPostgres } from '../db/client';
import { createStripeWorker } from './create-worker';

/**
 * Production worker: applies migrations, then polls the task queue until SIGTERM/SIGINT, when the
 * SDK stops polling and lets in-flight activities finish before run() resolves.
 */
async function main(): Promise<void> {
  const config = loadWorkerConfig();
  Runtime.install({ logger: temporalLoggerFor(logger) });
  const database = await openPostgres(config.databaseUrl);
  await database.migrate();
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    const worker = await createStripeWorker({ connection, temporal: config.temporal, db: database.db });
    logger.info(
      { taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace },
      'worker started',
    );
    await worker.run();
  } finally {
    await connection.close();
    await database.close();
  }
}

main().catch((err) => {
  logger.error(err);
  process.exit(1);
});

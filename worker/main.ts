import { loadWorkerConfig } from '../common/config';
import { logger } from '../common/logger';
import { describeTemporal } from '../common/temporal-config';
import { openPostgres } from '../db/client';
import { survivePostgresWriteRace } from './postgres-write-race';
import { installWorkerRuntime } from './runtime';
import { startWorker } from './start-worker';

/**
 * Production worker: applies migrations, then polls the task queue until SIGTERM/SIGINT, when the
 * SDK stops polling and lets in-flight activities finish before run() resolves.
 */
async function main(): Promise<void> {
  const config = loadWorkerConfig();
  installWorkerRuntime({ logger, metricsAddress: config.metricsAddress });
  survivePostgresWriteRace(logger);
  const database = await openPostgres(config.databaseUrl);
  try {
    await database.migrate();
    const worker = await startWorker(config, database.db);
    logger.info(describeTemporal(config.temporal), 'worker started');
    await worker.running;
    await worker.stop();
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  logger.error(err);
  process.exit(1);
});

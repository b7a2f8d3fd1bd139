import { loadIngressConfig, loadWorkerConfig } from '../common/config';
import { logger } from '../common/logger';
import { describeTemporal } from '../common/temporal-config';
import { openPostgres } from '../db/client';
import { survivePostgresWriteRace } from '../worker/postgres-write-race';
import { installWorkerRuntime } from '../worker/runtime';
import { startCombined } from './start-combined';

/**
 * Production combined process (`npm run start:combined`): the ingress and the worker sharing one
 * NativeConnection, with eager workflow start. Reads the same environment as ingress/main.ts and
 * worker/main.ts together. On SIGTERM/SIGINT it stops taking webhooks, lets in-flight requests
 * finish, then the SDK drains the worker.
 */
async function main(): Promise<void> {
  const ingressConfig = loadIngressConfig();
  const workerConfig = loadWorkerConfig();
  installWorkerRuntime({ logger, metricsAddress: workerConfig.metricsAddress });
  survivePostgresWriteRace(logger);
  const database = await openPostgres(workerConfig.databaseUrl);
  try {
    await database.migrate();
    const combined = await startCombined(ingressConfig, workerConfig, database.db);
    logger.info(
      {
        port: ingressConfig.port,
        ...describeTemporal(workerConfig.temporal),
        webhookSecrets: ingressConfig.webhookSecrets.length,
      },
      'ingress and worker started (combined, eager start)',
    );
    // Stop taking webhooks at once; the SDK's own handler of the same signals drains the worker.
    const ingressStopped = new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const)
        process.once(signal, () => resolve(combined.ingress.stop()));
    });
    await combined.worker.running;
    await ingressStopped;
    await combined.worker.stop();
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  logger.error(err);
  process.exit(1);
});

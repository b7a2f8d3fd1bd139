/**
 * Another team's service: its own worker process on its own task queue, subscribed to our events
 * through the subscription table (subscriptions.json). It needs only Temporal's address and the
 * same payload keys as the pipeline (TEMPORAL_PAYLOAD_KEYS): the payloads it receives are encrypted
 * with them, and its worker decrypts them with the same data converter.
 *
 *   TEAM_SERVICE_RECEIVED_FILE  where each delivery is appended (required)
 *   TEAM_SERVICE_TASK_QUEUE     its task queue (default `team-service`)
 *   TEMPORAL_*                  as for every process of the pipeline
 */
import { Worker } from '@temporalio/worker';
import { ConfigError } from '../../common/config-error';
import { createDataConverter } from '../../common/data-converter';
import { logger } from '../../common/logger';
import { connectNativeConnection } from '../../common/temporal-connection';
import { loadTemporalConfig } from '../../common/temporal-config';
import { createTeamActivities } from './activities';

async function main(): Promise<void> {
  const receivedFile = process.env.TEAM_SERVICE_RECEIVED_FILE?.trim();
  if (!receivedFile)
    throw new ConfigError('TEAM_SERVICE_RECEIVED_FILE is not set: give a file to append deliveries to');
  const taskQueue = process.env.TEAM_SERVICE_TASK_QUEUE?.trim() || 'team-service';
  const temporal = loadTemporalConfig();
  const connection = await connectNativeConnection(temporal);
  try {
    // Activities only: the delivery workflow runs in the pipeline's worker, the activity here.
    const worker = await Worker.create({
      connection,
      namespace: temporal.namespace,
      taskQueue,
      dataConverter: createDataConverter(temporal.payloadKeys),
      activities: createTeamActivities({ receivedFile }),
    });
    logger.info({ taskQueue }, 'team service polling');
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  logger.error(err);
  process.exit(1);
});

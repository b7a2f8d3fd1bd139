/**
 * The "queue" alternative's worker: a BullMQ Worker that applies each job with the project's own
 * handlers (createActivities), the same transaction as the Temporal activity. A payload the
 * handlers reject as invalid fails the job at once (UnrecoverableError); anything else is retried
 * per JOB_OPTIONS, and a job out of attempts stays in the failed set, the dead-letter queue.
 *
 *   DATABASE_URL, BENCH_QUEUE_NAME, REDIS_URL
 */
import { ApplicationFailure } from '@temporalio/common';
import { UnrecoverableError, Worker } from 'bullmq';
import { createActivities } from '../../activities';
import { logger } from '../../common/logger';
import type { StripeEvent } from '../../common/stripe-event';
import { openPostgres } from '../../db/client';
import { ROUTES } from '../../common/routing';
import { closeOnSignal, redisConnection, requireEnv } from './env';
import { WORKER_CONCURRENCY } from './queue-options';

async function main(): Promise<void> {
  const database = await openPostgres(requireEnv('DATABASE_URL'));
  const handlers = createActivities({ db: database.db });

  const worker = new Worker<StripeEvent>(
    requireEnv('BENCH_QUEUE_NAME'),
    async (job) => {
      const event = job.data;
      const handler = ROUTES[event.type];
      if (!handler) return { outcome: 'ignored' };
      try {
        const result = await handlers[handler](event);
        logger.info(
          { eventId: event.id, eventType: event.type, alreadyRecorded: result.alreadyRecorded },
          'event applied',
        );
        return result;
      } catch (err) {
        // The handlers' failure policy speaks Temporal's language; translate it for BullMQ.
        if (err instanceof ApplicationFailure && err.nonRetryable) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    // BullMQ workers block on Redis: ioredis must not give up on a blocking command.
    { connection: { ...redisConnection(), maxRetriesPerRequest: null }, concurrency: WORKER_CONCURRENCY },
  );
  worker.on('failed', (job, err) => logger.warn({ eventId: job?.id, err: err.message }, 'job failed'));
  await worker.waitUntilReady();
  closeOnSignal(async () => {
    await worker.close();
    await database.close();
  });
}

main().catch((err) => {
  logger.error(err);
  process.exit(1);
});

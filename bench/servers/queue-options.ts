import type { JobsOptions } from 'bullmq';

/**
 * The queue design's job policy, the idiomatic BullMQ setup for webhooks:
 * - jobId = the Stripe event id, so a redelivery while the job is kept is a no-op add;
 * - completed jobs kept 3 days, Stripe's retry window, so that dedupe covers its redeliveries
 *   (the handlers' ledger covers anything later);
 * - 10 attempts with exponential backoff from 1 s (about 17 minutes in all), then the job stays in
 *   the failed set: that set is the dead-letter queue an operator inspects and retries.
 */
export const JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3 * 24 * 3600 },
  removeOnFail: false,
};

/** Jobs the worker runs at once: the size of the Postgres pool (db/client.ts), as a tutorial would. */
export const WORKER_CONCURRENCY = 10;

/**
 * The "queue" alternative's webhook endpoint: verify, enqueue to BullMQ with jobId = event id,
 * answer 200 once Redis has the job (503 when it cannot be enqueued, so Stripe retries).
 *
 *   PORT, STRIPE_WEBHOOK_SECRET, BENCH_QUEUE_NAME, REDIS_URL
 */
import { Queue } from 'bullmq';
import Koa from 'koa';
import { logger } from '../../common/logger';
import { closeOnSignal, redisConnection, requireEnv } from './env';
import { JOB_OPTIONS } from './queue-options';
import { verifiedEvent } from './webhook';

async function main(): Promise<void> {
  const secret = requireEnv('STRIPE_WEBHOOK_SECRET');
  // No offline queue: while Redis is unreachable, add() fails at once and the sender gets a 503.
  const queue = new Queue(requireEnv('BENCH_QUEUE_NAME'), {
    connection: { ...redisConnection(), enableOfflineQueue: false },
    defaultJobOptions: JOB_OPTIONS,
  });
  await queue.waitUntilReady();

  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method === 'GET' && ctx.path === '/healthz') {
      ctx.body = { ok: true };
      return;
    }
    if (ctx.method !== 'POST' || ctx.path !== '/webhooks/stripe') return;
    const event = await verifiedEvent(ctx, secret);
    if (!event) return;
    try {
      await queue.add(event.type, event, { jobId: event.id });
    } catch (err) {
      logger.error({ eventId: event.id, err }, 'could not enqueue, answering 503');
      ctx.status = 503;
      ctx.body = { error: 'queue_unavailable' };
      return;
    }
    logger.info({ eventId: event.id, eventType: event.type }, 'webhook enqueued');
    ctx.body = { received: true };
  });
  const server = app.listen(Number(requireEnv('PORT')), '127.0.0.1');
  closeOnSignal(async () => {
    await new Promise((resolve) => server.close(resolve));
    await queue.close();
  });
}

main().catch((err) => {
  logger.error(err);
  process.exit(1);
});

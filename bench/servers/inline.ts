/**
 * The "inline" alternative, the classic tutorial webhook: verify, then in the request itself claim
 * the event in an idempotency table and apply the business change in one transaction, and answer
 * 200 after the commit (500 on failure, so Stripe retries).
 *
 * It calls the project's own handlers (createActivities) directly, outside Temporal: their
 * transaction starts with the claim in the `stripe_events` ledger (INSERT ... ON CONFLICT DO
 * NOTHING, the idempotency table), so the business change is exactly the Temporal worker's.
 *
 *   PORT, DATABASE_URL, STRIPE_WEBHOOK_SECRET
 */
import Koa from 'koa';
import { createActivities } from '../../activities';
import { logger } from '../../common/logger';
import { openPostgres } from '../../db/client';
import { ROUTES } from '../../common/routing';
import { closeOnSignal, requireEnv } from './env';
import { verifiedEvent } from './webhook';

async function main(): Promise<void> {
  const secret = requireEnv('STRIPE_WEBHOOK_SECRET');
  const database = await openPostgres(requireEnv('DATABASE_URL'));
  const handlers = createActivities({ db: database.db });

  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method === 'GET' && ctx.path === '/healthz') {
      ctx.body = { ok: true };
      return;
    }
    if (ctx.method !== 'POST' || ctx.path !== '/webhooks/stripe') return; // Koa answers 404
    const event = await verifiedEvent(ctx, secret);
    if (!event) return;
    const handler = ROUTES[event.type];
    const result = handler ? await handlers[handler](event) : undefined;
    logger.info(
      { eventId: event.id, eventType: event.type, alreadyRecorded: result?.alreadyRecorded },
      'webhook applied',
    );
    ctx.body = { received: true };
  });
  const server = app.listen(Number(requireEnv('PORT')), '127.0.0.1');
  closeOnSignal(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.close();
  });
}

main().catch((err) => {
  logger.error(err);
  process.exit(1);
});

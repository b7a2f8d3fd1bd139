import { and, eq } from 'drizzle-orm';
import { KINDS } from '../common/kinds';
import type { StripeEvent } from '../common/stripe-event';
import { checkoutSessions } from '../db/schema';
import type { ActivityDeps } from './deps';
import { invalidPayload } from './errors';
import { sameAccount, sourceEvent, upsertIfNewer } from './guarded-upsert';
import { applyOnce } from './ledger';
import type { HandlerResult } from './ledger';
import type { RefetchOrigin } from './refetch';
import { statusRank } from './ordering';
import { eventObject, int, ref, str } from './read';

export type CheckoutSessionRow = typeof checkoutSessions.$inferInsert;

/** Payment statuses after which the goods are owed: fulfil now. */
const SETTLED: ReadonlySet<string> = new Set(KINDS['checkout.session'].settledPaymentStatuses);

/**
 * Same-second tie-break: the session status decides first (open < complete, expired), then the
 * payment within it. A delayed payment method completes the session `unpaid`, then settles days
 * later, so `paid` must beat `unpaid`. async_payment_failed also carries `complete` + `unpaid`:
 * it ranks between the two, so a failure beats the `unpaid` completion it follows, and it can never
 * hide a payment that settled. The row keeps Stripe's own `payment_status` (`unpaid`); the failure
 * itself is on record in stripe_events under the session id.
 */
export function checkoutRank(eventType: string, status: string | null, paymentStatus: string): number {
  const payment = SETTLED.has(paymentStatus)
    ? 2
    : eventType === 'checkout.session.async_payment_failed'
      ? 1
      : 0;
  return statusRank('checkout.session', status) * 10 + payment;
}

/**
 * Fulfilment is a one-way door: once a session was fulfilled, every later write keeps that first
 * `fulfilled_at`, whatever the payload says, so a replay or a late event never fulfils twice.
 */
export function checkoutSessionRow(
  event: StripeEvent,
  now: Date,
  fulfilledBefore: Date | null,
): CheckoutSessionRow {
  const session = eventObject(event, 'checkout.session');
  const mode = str(session.mode);
  const paymentStatus = str(session.payment_status);
  if (!mode || !paymentStatus) {
    throw invalidPayload(`${event.type} event ${event.id}: mode or payment_status is missing`);
  }
  const status = str(session.status);
  return {
    id: session.id,
    customerId: ref(session.customer),
    subscriptionId: ref(session.subscription),
    paymentIntentId: ref(session.payment_intent),
    clientReferenceId: str(session.client_reference_id),
    mode,
    status,
    paymentStatus,
    amountTotal: int(session.amount_total),
    currency: str(session.currency),
    fulfilledAt: fulfilledBefore ?? (SETTLED.has(paymentStatus) ? now : null),
    livemode: event.livemode,
    ...sourceEvent(event, checkoutRank(event.type, status, paymentStatus)),
  };
}

export function createCheckoutActivities({ db, clock = () => new Date() }: ActivityDeps) {
  return {
    /** checkout.session.completed / .async_payment_succeeded / .async_payment_failed / .expired. */
    async applyCheckoutSessionEvent(event: StripeEvent, refetched?: RefetchOrigin): Promise<HandlerResult> {
      const session = eventObject(event, 'checkout.session');
      return applyOnce(db, { event, refetched }, 'applyCheckoutSessionEvent', async (tx) => {
        // The guarded upsert copies every column, so the first fulfilled_at is read back first.
        // FOR UPDATE makes a concurrent event for this session wait, then read what we wrote. With
        // no row yet there is nothing to lock, but only one event of a session carries a settled
        // payment, and the ledger serialises its retries.
        const [stored] = await tx
          .select({ fulfilledAt: checkoutSessions.fulfilledAt })
          .from(checkoutSessions)
          .where(
            and(eq(checkoutSessions.id, session.id), sameAccount(checkoutSessions.account, event.account)),
          )
          .for('update');
        const row = checkoutSessionRow(event, clock(), stored?.fulfilledAt ?? null);
        return (await upsertIfNewer(tx, checkoutSessions, row)) ? 'applied' : 'stale';
      });
    },
  };
}

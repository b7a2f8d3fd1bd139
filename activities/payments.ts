import type { StripeEvent } from '../common/stripe-event';
import { charges, paymentIntents, refunds } from '../db/schema';
import type { ActivityDeps } from './deps';
import { sourceEvent, upsertIfNewer } from './guarded-upsert';
import { applyOnce } from './ledger';
import type { HandlerResult } from './ledger';
import type { RefetchOrigin } from './refetch';
import { statusRank } from './ordering';
import { bool, eventObject, int, listData, ref, requireText, str } from './read';

export function paymentIntentRow(event: StripeEvent): typeof paymentIntents.$inferInsert {
  const intent = eventObject(event, 'payment_intent');
  const status = requireText(event, intent.status, 'status');
  const lastError = intent.last_payment_error as { code?: unknown } | null | undefined;
  return {
    id: intent.id,
    customerId: ref(intent.customer),
    // Gone from payment intents since API 2025-03-31.basil (invoices point to their payments instead).
    invoiceId: ref(intent.invoice),
    status,
    amount: int(intent.amount) ?? 0,
    amountReceived: int(intent.amount_received) ?? 0,
    currency: requireText(event, intent.currency, 'currency'),
    lastPaymentErrorCode: str(lastError?.code),
    livemode: event.livemode,
    ...sourceEvent(event, paymentIntentRank(status, lastError)),
  };
}

/** A failed attempt returns the intent to requires_payment_method; it must outrank the attempt. */
export function paymentIntentRank(status: string, lastPaymentError: unknown): number {
  const failed =
    status === 'requires_payment_method' && typeof lastPaymentError === 'object' && lastPaymentError !== null;
  return statusRank('payment_intent', failed ? 'payment_failed' : status);
}

/**
 * A charge's status stays `succeeded` through capture and refunds, so the status rank alone would
 * let a same-second `charge.succeeded` overwrite a `charge.captured` or `charge.refunded`. Steps a
 * charge never takes back raise the rank: +1 once captured, then +1 when partly refunded or +2 when
 * fully refunded. Every lifecycle path (authorise → capture → refund, or authorise → release, which
 * Stripe records as a full refund) then ranks strictly upwards.
 */
export function chargeRank(
  status: string,
  captured: boolean,
  amountRefunded: number,
  fullyRefunded: boolean,
): number {
  const refundStep = fullyRefunded ? 2 : amountRefunded > 0 ? 1 : 0;
  return statusRank('charge', status) + (captured ? 1 : 0) + refundStep;
}

export function chargeRow(event: StripeEvent): typeof charges.$inferInsert {
  const charge = eventObject(event, 'charge');
  const status = requireText(event, charge.status, 'status');
  const amount = int(charge.amount) ?? 0;
  const amountRefunded = int(charge.amount_refunded) ?? 0;
  const refunded = bool(charge.refunded) || (amount > 0 && amountRefunded >= amount);
  return {
    id: charge.id,
    customerId: ref(charge.customer),
    paymentIntentId: ref(charge.payment_intent),
    // Gone from charges since API 2025-03-31.basil.
    invoiceId: ref(charge.invoice),
    status,
    amount,
    amountCaptured: int(charge.amount_captured) ?? 0,
    amountRefunded,
    refunded,
    disputed: bool(charge.disputed),
    currency: requireText(event, charge.currency, 'currency'),
    failureCode: str(charge.failure_code),
    livemode: event.livemode,
    ...sourceEvent(event, chargeRank(status, bool(charge.captured), amountRefunded, refunded)),
  };
}

/** A refund row from a refund object: the event's own, or one embedded in a charge. */
function refundRowFrom(
  event: StripeEvent,
  refund: Record<string, unknown>,
  parent: { chargeId: string | null; paymentIntentId: string | null },
): typeof refunds.$inferInsert {
  const id = requireText(event, refund.id, 'refund id');
  const status = requireText(event, refund.status, `status of refund ${id}`);
  return {
    id,
    chargeId: ref(refund.charge) ?? parent.chargeId,
    paymentIntentId: ref(refund.payment_intent) ?? parent.paymentIntentId,
    status,
    amount: int(refund.amount) ?? 0,
    currency: requireText(event, refund.currency, `currency of refund ${id}`),
    reason: str(refund.reason),
    livemode: event.livemode,
    ...sourceEvent(event, statusRank('refund', status)),
  };
}

export function refundRow(event: StripeEvent): typeof refunds.$inferInsert {
  return refundRowFrom(event, eventObject(event, 'refund'), { chargeId: null, paymentIntentId: null });
}

/**
 * Refunds embedded in a charge. Payloads before API 2022-11-15 list them in `charge.refunds`;
 * newer ones omit the list, and their refunds arrive as refund.* events instead.
 */
export function embeddedRefundRows(event: StripeEvent): (typeof refunds.$inferInsert)[] {
  const charge = eventObject(event, 'charge');
  const parent = { chargeId: charge.id, paymentIntentId: ref(charge.payment_intent) };
  return listData(charge.refunds).map((refund) => refundRowFrom(event, refund, parent));
}

export function createPaymentActivities({ db }: ActivityDeps) {
  return {
    /** payment_intent.* → payment_intents. */
    async applyPaymentIntentEvent(event: StripeEvent, refetched?: RefetchOrigin): Promise<HandlerResult> {
      return applyOnce(db, { event, refetched }, 'applyPaymentIntentEvent', async (tx) =>
        (await upsertIfNewer(tx, paymentIntents, paymentIntentRow(event))) ? 'applied' : 'stale',
      );
    },

    /** charge.succeeded / .failed / .refunded / .captured / .updated / .pending / .expired → charges (+ embedded refunds). */
    async applyChargeEvent(event: StripeEvent, refetched?: RefetchOrigin): Promise<HandlerResult> {
      return applyOnce(db, { event, refetched }, 'applyChargeEvent', async (tx) => {
        let applied = await upsertIfNewer(tx, charges, chargeRow(event));
        // Each refund is guarded on its own row: a refund.updated may already have stored a newer state.
        for (const refund of embeddedRefundRows(event)) {
          if (await upsertIfNewer(tx, refunds, refund)) applied = true;
        }
        return applied ? 'applied' : 'stale';
      });
    },

    /** refund.created / .updated / .failed → refunds. */
    async applyRefundEvent(event: StripeEvent, refetched?: RefetchOrigin): Promise<HandlerResult> {
      return applyOnce(db, { event, refetched }, 'applyRefundEvent', async (tx) =>
        (await upsertIfNewer(tx, refunds, refundRow(event))) ? 'applied' : 'stale',
      );
    },
  };
}

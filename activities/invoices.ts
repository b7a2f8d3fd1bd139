import { and, eq } from 'drizzle-orm';
import { KINDS } from '../common/kinds';
import type { StripeEvent, StripeObject } from '../common/stripe-event';
import { invoices } from '../db/schema';
import type { ActivityDeps } from './deps';
import { sameAccount, sourceEvent, upsertIfNewer } from './guarded-upsert';
import { applyOnce } from './ledger';
import type { HandlerResult } from './ledger';
import type { RefetchOrigin } from './refetch';
import { enqueueNotification } from './notifications';
import type { NotificationKind } from './notifications';
import { statusRank } from './ordering';
import {
  bool,
  discountIds,
  eventObject,
  int,
  listData,
  ref,
  requireRef,
  requireText,
  str,
  time,
} from './read';
import type { Tx } from './tx';

type InvoiceRow = typeof invoices.$inferInsert;

/** Events that ask the customer to act, and the message each queues. */
const NOTIFICATION_KINDS: Partial<Record<string, NotificationKind>> = {
  'invoice.payment_failed': 'payment_failed',
  'invoice.payment_action_required': 'payment_action_required',
};

/** An invoice in a final state (paid, void, deleted) asks nothing more of the customer. */
const SETTLED_STATUSES: ReadonlySet<string> = new Set(KINDS.invoice.final);

/** `invoice.subscription` before API 2025-03-31.basil, `invoice.parent.subscription_details.subscription` since. */
export function invoiceSubscriptionId(invoice: StripeObject): string | null {
  const parent = invoice.parent as
    { subscription_details?: { subscription?: unknown } | null } | null | undefined;
  return ref(invoice.subscription) ?? ref(parent?.subscription_details?.subscription);
}

/** The sum of `total_discount_amounts`, or null when the payload has no such list. */
function totalDiscountAmount(invoice: StripeObject): number | null {
  if (!Array.isArray(invoice.total_discount_amounts)) return null;
  return listData(invoice.total_discount_amounts).reduce((sum, item) => sum + (int(item.amount) ?? 0), 0);
}

export function invoiceRow(event: StripeEvent): InvoiceRow {
  const invoice = eventObject(event, 'invoice');
  // Only drafts can be deleted, and the payload may still say `draft`: record the deletion as final.
  const deleted = event.type === 'invoice.deleted' || bool(invoice.deleted);
  const status = deleted ? 'deleted' : requireText(event, invoice.status, 'status');
  const transitions = invoice.status_transitions as { paid_at?: unknown } | null | undefined;
  return {
    id: invoice.id,
    customerId: requireRef(event, invoice.customer, 'customer'),
    subscriptionId: invoiceSubscriptionId(invoice),
    status,
    number: str(invoice.number),
    currency: requireText(event, invoice.currency, 'currency'),
    amountDue: int(invoice.amount_due) ?? 0,
    amountPaid: int(invoice.amount_paid) ?? 0,
    amountRemaining: int(invoice.amount_remaining) ?? 0,
    total: int(invoice.total) ?? 0,
    attemptCount: int(invoice.attempt_count) ?? 0,
    nextPaymentAttempt: time(invoice.next_payment_attempt),
    hostedInvoiceUrl: str(invoice.hosted_invoice_url),
    paidAt: time(transitions?.paid_at),
    discountIds: discountIds(invoice),
    totalDiscountAmount: totalDiscountAmount(invoice),
    livemode: event.livemode,
    ...sourceEvent(event, statusRank('invoice', status)),
  };
}

/**
 * Queues the customer message an event asks for, unless the invoice as now stored is settled: a
 * payment_failed that arrives after invoice.paid must not email someone who has paid. The upsert
 * just before locked the row (ON CONFLICT locks it even when the guard refuses the update), so a
 * concurrent invoice.paid cannot slip in between this read and the enqueue. Returns true if queued.
 */
async function notifyUnlessSettled(tx: Tx, event: StripeEvent, row: InvoiceRow): Promise<boolean> {
  const kind = NOTIFICATION_KINDS[event.type];
  if (!kind) return false;
  const [stored] = await tx
    .select({ status: invoices.status })
    .from(invoices)
    .where(and(eq(invoices.id, row.id), sameAccount(invoices.account, row.account)));
  if (stored && SETTLED_STATUSES.has(stored.status)) return false;
  await enqueueNotification(tx, { eventId: event.id, kind, customerId: row.customerId, objectId: row.id });
  return true;
}

export function createInvoiceActivities({ db }: ActivityDeps) {
  return {
    /**
     * invoice.created / .updated / .finalized / .paid / .payment_succeeded / .payment_failed /
     * .payment_action_required / .voided / .marked_uncollectible / .deleted → invoices, plus an
     * outbox message for the failure and action-required events.
     */
    async applyInvoiceEvent(event: StripeEvent, refetched?: RefetchOrigin): Promise<HandlerResult> {
      return applyOnce(db, { event, refetched }, 'applyInvoiceEvent', async (tx) => {
        const row = invoiceRow(event);
        const written = await upsertIfNewer(tx, invoices, row);
        const notified = await notifyUnlessSettled(tx, event, row);
        return written || notified ? 'applied' : 'stale';
      });
    },
  };
}

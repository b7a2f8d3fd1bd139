import { and, eq } from 'drizzle-orm';
import type { StripeEvent, StripeObject } from '../common/stripe-event';
import { entitlements, subscriptionItems, subscriptions } from '../db/schema';
import type { ActivityDeps } from './deps';
import { excludedColumns, sameAccount, sourceEvent, upsertIfNewer } from './guarded-upsert';
import { applyOnce } from './ledger';
import type { HandlerResult } from './ledger';
import type { RefetchOrigin } from './refetch';
import { enqueueNotification } from './notifications';
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

export type SubscriptionRow = typeof subscriptions.$inferInsert;
export type SubscriptionItemRow = typeof subscriptionItems.$inferInsert;
export type EntitlementRow = typeof entitlements.$inferInsert;

/**
 * Statuses that grant access. `past_due` is a grace period: Stripe is still retrying the payment,
 * and cutting access on the first failed charge would punish a card that will succeed tomorrow.
 * `unpaid`, `paused`, `incomplete` and the terminal states grant nothing.
 */
export const ACCESS_STATUSES: ReadonlySet<string> = new Set(['trialing', 'active', 'past_due']);

/**
 * The items as rows. Since API 2025-03-31.basil each item carries its own billing period; before
 * that only the subscription did, and every item shared it, so old payloads fall back to it.
 */
function itemRows(
  subscription: StripeObject & { id: string },
  account: string | null,
): SubscriptionItemRow[] {
  const rows = new Map<string, SubscriptionItemRow>();
  for (const item of listData(subscription.items)) {
    const id = str(item.id);
    if (!id) continue;
    // Old payloads carry the price as `plan` (same id); current ones may carry a placeholder plan.
    const price = (item.price ?? item.plan) as Record<string, unknown> | null | undefined;
    rows.set(id, {
      id,
      account,
      subscriptionId: subscription.id,
      priceId: ref(price),
      productId:
        ref(price?.product) ?? ref((item.plan as Record<string, unknown> | null | undefined)?.product),
      quantity: int(item.quantity),
      currentPeriodStart: time(item.current_period_start) ?? time(subscription.current_period_start),
      currentPeriodEnd: time(item.current_period_end) ?? time(subscription.current_period_end),
    });
  }
  return [...rows.values()];
}

function extreme(dates: (Date | null | undefined)[], pick: (a: number, b: number) => number): Date | null {
  const times = dates.filter((date): date is Date => date instanceof Date).map((date) => date.getTime());
  return times.length > 0 ? new Date(times.reduce((a, b) => pick(a, b))) : null;
}
const earliest = (dates: (Date | null | undefined)[]) => extreme(dates, Math.min);
const latest = (dates: (Date | null | undefined)[]) => extreme(dates, Math.max);

export function subscriptionItemRows(event: StripeEvent): SubscriptionItemRow[] {
  return itemRows(eventObject(event, 'subscription'), event.account || null);
}

export function subscriptionRow(event: StripeEvent): SubscriptionRow {
  const subscription = eventObject(event, 'subscription');
  const customerId = requireRef(event, subscription.customer, 'customer');
  const status = requireText(event, subscription.status, 'status');
  const items = itemRows(subscription, event.account || null);
  return {
    id: subscription.id,
    customerId,
    status,
    cancelAtPeriodEnd: bool(subscription.cancel_at_period_end),
    cancelAt: time(subscription.cancel_at),
    canceledAt: time(subscription.canceled_at),
    endedAt: time(subscription.ended_at),
    trialStart: time(subscription.trial_start),
    trialEnd: time(subscription.trial_end),
    // The subscription's own period before 2025-03-31.basil; since then the span of its items.
    currentPeriodStart:
      time(subscription.current_period_start) ?? earliest(items.map((item) => item.currentPeriodStart)),
    currentPeriodEnd:
      time(subscription.current_period_end) ?? latest(items.map((item) => item.currentPeriodEnd)),
    latestInvoiceId: ref(subscription.latest_invoice),
    discountIds: discountIds(subscription),
    livemode: event.livemode,
    ...sourceEvent(event, statusRank('subscription', status)),
  };
}

/** One row per distinct product while the status grants access; quantities of a product add up. */
export function entitlementRows(
  subscription: SubscriptionRow,
  items: SubscriptionItemRow[],
): EntitlementRow[] {
  if (!ACCESS_STATUSES.has(subscription.status)) return [];
  const byProduct = new Map<string, EntitlementRow>();
  for (const item of items) {
    if (!item.productId) continue;
    const seen = byProduct.get(item.productId);
    const quantity = seen?.quantity == null ? item.quantity : seen.quantity + (item.quantity ?? 0);
    byProduct.set(item.productId, {
      account: subscription.account ?? null,
      subscriptionId: subscription.id,
      productId: item.productId,
      customerId: subscription.customerId,
      quantity: quantity ?? null,
      status: subscription.status,
      currentPeriodEnd:
        latest([seen?.currentPeriodEnd, item.currentPeriodEnd]) ?? subscription.currentPeriodEnd ?? null,
    });
  }
  return [...byProduct.values()];
}

export function createSubscriptionActivities({ db }: ActivityDeps) {
  return {
    /**
     * customer.subscription.* → subscriptions, and only when that row was written: its items and
     * entitlements, replaced whole. A stale event leaves all three as they are.
     * trial_will_end also queues the trial-ending message, if the mirror still says trialing.
     */
    async applySubscriptionEvent(event: StripeEvent, refetched?: RefetchOrigin): Promise<HandlerResult> {
      const row = subscriptionRow(event);
      const items = subscriptionItemRows(event);
      return applyOnce(db, { event, refetched }, 'applySubscriptionEvent', async (tx) => {
        const written = await upsertIfNewer(tx, subscriptions, row);
        if (written) {
          const ofRow = (table: typeof subscriptionItems | typeof entitlements) =>
            and(eq(table.subscriptionId, row.id), sameAccount(table.account, row.account));
          await tx.delete(subscriptionItems).where(ofRow(subscriptionItems));
          // Upsert, not insert: an item id already stored under another subscription (only
          // synthetic data does that) must not become an error that retries forever.
          if (items.length > 0) {
            await tx
              .insert(subscriptionItems)
              .values(items)
              .onConflictDoUpdate({
                target: [subscriptionItems.account, subscriptionItems.id],
                set: excludedColumns(subscriptionItems),
              });
          }
          await tx.delete(entitlements).where(ofRow(entitlements));
          const granted = entitlementRows(row, items);
          if (granted.length > 0) await tx.insert(entitlements).values(granted);
        }
        if (event.type !== 'customer.subscription.trial_will_end') return written ? 'applied' : 'stale';

        // Ask the mirror, not the payload: a newer event may already have ended the trial, and a
        // customer who just cancelled must not be told their trial is about to end. The upsert
        // locked the row (ON CONFLICT does, even when the guard refuses), so no cancellation can
        // commit between this read and the enqueue.
        const [stored] = await tx
          .select({ status: subscriptions.status })
          .from(subscriptions)
          .where(and(eq(subscriptions.id, row.id), sameAccount(subscriptions.account, row.account)));
        if (stored?.status !== 'trialing') return written ? 'applied' : 'stale';
        await enqueueNotification(tx, {
          eventId: event.id,
          kind: 'trial_ending',
          customerId: row.customerId,
          objectId: row.id,
        });
        return 'applied';
      });
    },
  };
}

import type { StripeEvent } from '../common/stripe-event';
import { disputes } from '../db/schema';
import type { ActivityDeps } from './deps';
import { sourceEvent, upsertIfNewer } from './guarded-upsert';
import { applyOnce } from './ledger';
import type { HandlerResult } from './ledger';
import type { RefetchOrigin } from './refetch';
import { statusRank } from './ordering';
import { eventObject, int, ref, requireText, str } from './read';

export function disputeRow(event: StripeEvent): typeof disputes.$inferInsert {
  const dispute = eventObject(event, 'dispute');
  const status = requireText(event, dispute.status, 'status');
  return {
    id: dispute.id,
    chargeId: ref(dispute.charge),
    paymentIntentId: ref(dispute.payment_intent),
    status,
    reason: str(dispute.reason),
    amount: int(dispute.amount) ?? 0,
    currency: requireText(event, dispute.currency, 'currency'),
    livemode: event.livemode,
    ...sourceEvent(event, statusRank('dispute', status)),
  };
}

export function createDisputeActivities({ db }: ActivityDeps) {
  return {
    /** charge.dispute.created / .updated / .closed / .funds_withdrawn / .funds_reinstated → disputes. */
    async applyDisputeEvent(event: StripeEvent, refetched?: RefetchOrigin): Promise<HandlerResult> {
      return applyOnce(db, { event, refetched }, 'applyDisputeEvent', async (tx) =>
        (await upsertIfNewer(tx, disputes, disputeRow(event))) ? 'applied' : 'stale',
      );
    },
  };
}

/** Early fraud warnings and Radar reviews, next to disputes. */
import { KINDS } from '../../common/kinds';
import type { StripeEvent } from '../../common/stripe-event';
import { earlyFraudWarnings, reviews } from '../../db/schema';
import { bool, eventObject, ref, str } from '../read';
import type { MirrorKindOf } from './define';
import { upsertHandler, versionOf } from './simple';
import { apiPage } from './list-page';

export function earlyFraudWarningRow(event: StripeEvent): typeof earlyFraudWarnings.$inferInsert {
  const warning = eventObject(event, 'radar.early_fraud_warning');
  const actionable = bool(warning.actionable);
  return {
    id: warning.id,
    chargeId: ref(warning.charge),
    paymentIntentId: ref(warning.payment_intent),
    fraudType: str(warning.fraud_type),
    actionable,
    livemode: event.livemode,
    ...versionOf(event, 'radar.early_fraud_warning', actionable ? 'actionable' : 'not_actionable'),
  };
}

/** A review closes once and never reopens (another one opens instead): review.closed means closed. */
export function reviewRow(event: StripeEvent): typeof reviews.$inferInsert {
  const review = eventObject(event, 'review');
  const status = event.type === 'review.closed' || review.open === false ? 'closed' : 'open';
  return {
    id: review.id,
    chargeId: ref(review.charge),
    paymentIntentId: ref(review.payment_intent),
    status,
    reason: str(review.reason),
    openedReason: str(review.opened_reason),
    closedReason: str(review.closed_reason),
    livemode: event.livemode,
    ...versionOf(event, 'review', status),
  };
}

export const earlyFraudWarningKind: MirrorKindOf<'radar.early_fraud_warning'> = {
  table: earlyFraudWarnings,
  retrieve: (stripe, id, options) => stripe.radar.earlyFraudWarnings.retrieve(id, {}, options),
  listPage: (api, params, options) =>
    apiPage(api, (stripe) => stripe.radar.earlyFraudWarnings.list(params, options)),
  handler: upsertHandler(
    KINDS['radar.early_fraud_warning'].handler,
    earlyFraudWarnings,
    earlyFraudWarningRow,
  ),
};

export const reviewKind: MirrorKindOf<'review'> = {
  table: reviews,
  storedStatus: { column: reviews.status },
  retrieve: (stripe, id, options) => stripe.reviews.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.reviews.list(params, options)),
  handler: upsertHandler(KINDS.review.handler, reviews, reviewRow),
};

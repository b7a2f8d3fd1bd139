import type { KindSpec } from './spec';

/** Money movements, the means of payment, and what fraud and disputes say about them. */
export const PAYMENT_KINDS = {
  payment_intent: {
    handler: 'applyPaymentIntentEvent',
    table: 'payment_intents',
    events: [
      'payment_intent.succeeded',
      'payment_intent.payment_failed',
      'payment_intent.canceled',
      'payment_intent.processing',
      'payment_intent.requires_action',
      'payment_intent.created',
      'payment_intent.amount_capturable_updated',
      'payment_intent.partially_funded',
    ],
    // requires_payment_method is both the first state and the state after a failed attempt; the
    // payments mapper ranks the latter (it carries last_payment_error) as payment_failed.
    ranks: {
      requires_payment_method: 0,
      requires_confirmation: 1,
      requires_action: 2,
      processing: 3,
      payment_failed: 4,
      requires_capture: 5,
      canceled: 9,
      succeeded: 9,
    },
    final: ['succeeded', 'canceled'],
  },
  charge: {
    handler: 'applyChargeEvent',
    table: 'charges',
    events: [
      'charge.succeeded',
      'charge.failed',
      'charge.captured',
      'charge.refunded',
      'charge.updated',
      'charge.pending',
      'charge.expired',
    ],
    ranks: { pending: 0, failed: 1, succeeded: 1 },
  },
  refund: {
    handler: 'applyRefundEvent',
    table: 'refunds',
    events: ['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated'],
    ranks: { pending: 0, requires_action: 0, succeeded: 1, failed: 1, canceled: 1 },
  },
  dispute: {
    handler: 'applyDisputeEvent',
    table: 'disputes',
    events: [
      'charge.dispute.created',
      'charge.dispute.updated',
      'charge.dispute.closed',
      'charge.dispute.funds_withdrawn',
      'charge.dispute.funds_reinstated',
    ],
    ranks: {
      warning_needs_response: 0,
      needs_response: 0,
      warning_under_review: 1,
      under_review: 1,
      warning_closed: 2,
      won: 2,
      lost: 2,
      prevented: 2,
    },
    final: ['won', 'lost', 'prevented'],
  },
  payment_method: {
    handler: 'applyPaymentMethodEvent',
    table: 'payment_methods',
    events: [
      'payment_method.attached',
      'payment_method.updated',
      'payment_method.automatically_updated',
      'payment_method.detached',
    ],
    // A detached payment method cannot be attached again.
    ranks: { unattached: 0, attached: 1, detached: 9 },
    final: ['detached'],
  },
  setup_intent: {
    handler: 'applySetupIntentEvent',
    table: 'setup_intents',
    events: [
      'setup_intent.created',
      'setup_intent.requires_action',
      'setup_intent.setup_failed',
      'setup_intent.succeeded',
      'setup_intent.canceled',
    ],
    // As with payment intents, a failed attempt returns to requires_payment_method: ranked setup_failed.
    ranks: {
      requires_payment_method: 0,
      requires_confirmation: 1,
      requires_action: 2,
      processing: 3,
      setup_failed: 4,
      succeeded: 9,
      canceled: 9,
    },
    final: ['succeeded', 'canceled'],
  },
  'radar.early_fraud_warning': {
    handler: 'applyEarlyFraudWarningEvent',
    table: 'early_fraud_warnings',
    events: ['radar.early_fraud_warning.created', 'radar.early_fraud_warning.updated'],
    // A warning stops being actionable once the charge is refunded or disputed, never the reverse.
    ranks: { actionable: 0, not_actionable: 1 },
  },
  review: {
    handler: 'applyReviewEvent',
    table: 'reviews',
    events: ['review.opened', 'review.closed'],
    ranks: { open: 0, closed: 9 },
    final: ['closed'],
  },
} as const satisfies Record<string, KindSpec>;

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
    events: ['charge.succeeded', 'charge.failed', 'charge.captured', 'charge.refunded', 'charge.updated'],
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
} as const satisfies Record<string, KindSpec>;

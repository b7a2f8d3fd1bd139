import type { KindSpec } from './spec';

/** Customers, subscriptions and what bills them. Keys are Stripe's `object` values. */
export const BILLING_KINDS = {
  customer: {
    handler: 'applyCustomerEvent',
    table: 'customers',
    events: ['customer.created', 'customer.updated', 'customer.deleted'],
    ranks: { active: 0, deleted: 9 },
    final: ['deleted'],
  },
  subscription: {
    handler: 'applySubscriptionEvent',
    table: 'subscriptions',
    events: [
      'customer.subscription.created',
      'customer.subscription.updated',
      'customer.subscription.deleted',
      'customer.subscription.paused',
      'customer.subscription.resumed',
      'customer.subscription.trial_will_end',
    ],
    ranks: {
      incomplete: 0,
      trialing: 1,
      active: 2,
      past_due: 2,
      unpaid: 2,
      paused: 2,
      canceled: 9,
      incomplete_expired: 9,
    },
    final: ['canceled', 'incomplete_expired'],
  },
  'checkout.session': {
    handler: 'applyCheckoutSessionEvent',
    table: 'checkout_sessions',
    events: [
      'checkout.session.completed',
      'checkout.session.async_payment_succeeded',
      'checkout.session.async_payment_failed',
      'checkout.session.expired',
    ],
    ranks: { open: 0, complete: 1, expired: 1 },
    final: ['complete', 'expired'],
    settledPaymentStatuses: ['paid', 'no_payment_required'],
  },
  invoice: {
    handler: 'applyInvoiceEvent',
    table: 'invoices',
    events: [
      'invoice.created',
      'invoice.updated',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'invoice.payment_failed',
      'invoice.payment_action_required',
      'invoice.marked_uncollectible',
      'invoice.voided',
      'invoice.deleted',
    ],
    ranks: { draft: 0, open: 1, uncollectible: 2, paid: 9, void: 9, deleted: 9 },
    final: ['paid', 'void', 'deleted'],
  },
} as const satisfies Record<string, KindSpec>;

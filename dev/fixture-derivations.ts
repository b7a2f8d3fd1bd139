/**
 * How dev/fixtures.ts builds the event types the vendored files lack: from a sibling file and a
 * patch (DERIVED), and with the state the type implies where the shape fixtures disagree.
 */
import type { StripeEvent, StripeObject } from '../common/stripe-event';

const DAY = 24 * 60 * 60;

export type Patch = (object: StripeObject, event: StripeEvent) => void;

export interface Derivation {
  /** The vendored file the event is built from. */
  from: string;
  patch: Patch;
}

/** Event types with no vendored file, built from a sibling fixture. */
export const DERIVED: Record<string, Derivation> = {
  'customer.created': {
    from: 'customer_updated.json',
    patch: (_object, event) => {
      delete event.data.previous_attributes;
    },
  },
  'customer.subscription.paused': {
    from: 'subscription_updated.json',
    patch: (object, event) => {
      object.status = 'paused';
      event.data.previous_attributes = { status: 'active' };
    },
  },
  'customer.subscription.resumed': {
    from: 'subscription_updated.json',
    patch: (object, event) => {
      object.status = 'active';
      object.pause_collection = null;
      event.data.previous_attributes = { status: 'paused' };
    },
  },
  'customer.subscription.trial_will_end': {
    from: 'subscription_updated.json',
    patch: (object, event) => {
      // Stripe sends this three days before the trial ends.
      object.status = 'trialing';
      object.trial_start = event.created - 11 * DAY;
      object.trial_end = event.created + 3 * DAY;
      delete event.data.previous_attributes;
    },
  },
  'invoice.created': {
    from: 'invoice_updated.json',
    patch: (object) => {
      object.status = 'draft';
    },
  },
  'invoice.payment_succeeded': {
    from: 'invoice_paid.json',
    patch: (object) => {
      object.status = 'paid';
      object.paid = true;
    },
  },
  'invoice.payment_failed': {
    from: 'invoice_paid.json',
    patch: (object, event) => {
      unpaid(object);
      object.attempt_count = 1;
      object.next_payment_attempt = event.created + 3 * DAY;
    },
  },
  'invoice.payment_action_required': {
    from: 'invoice_paid.json',
    patch: (object) => {
      unpaid(object);
      object.attempt_count = 1;
    },
  },
  'invoice.marked_uncollectible': {
    from: 'invoice_paid.json',
    patch: (object) => {
      unpaid(object);
      object.status = 'uncollectible';
    },
  },
  'checkout.session.async_payment_succeeded': {
    from: 'checkout_session_completed.json',
    patch: (object) => {
      object.status = 'complete';
      object.payment_status = 'paid';
    },
  },
  'checkout.session.async_payment_failed': {
    from: 'checkout_session_completed.json',
    patch: (object) => {
      object.status = 'complete';
      object.payment_status = 'unpaid';
    },
  },
  'checkout.session.expired': {
    from: 'checkout_session_completed.json',
    patch: (object) => {
      object.status = 'expired';
      object.payment_status = 'unpaid';
    },
  },
};

function unpaid(invoice: StripeObject): void {
  invoice.status = 'open';
  invoice.paid = false;
  invoice.attempted = true;
  invoice.amount_paid = 0;
  invoice.amount_remaining = invoice.amount_due;
}

/** The status an event type implies for its object, where the vendored file disagrees. */
export const STATUS_FOR_TYPE: Record<string, string> = {
  'payment_intent.succeeded': 'succeeded',
  'payment_intent.canceled': 'canceled',
  'payment_intent.processing': 'processing',
  'payment_intent.requires_action': 'requires_action',
  'payment_intent.payment_failed': 'requires_payment_method',
  'charge.pending': 'pending',
  'charge.captured': 'succeeded',
  'charge.dispute.closed': 'lost',
  'refund.failed': 'failed',
  'customer.subscription.active': 'active',
  'customer.subscription.incomplete': 'incomplete',
  'customer.subscription.incomplete_expired': 'incomplete_expired',
  'customer.subscription.past_due': 'past_due',
  'customer.subscription.trialing': 'trialing',
  'customer.subscription.unpaid': 'unpaid',
  'invoice.finalization_failed': 'draft',
  'invoice.overdue': 'open',
  'invoice.overpaid': 'paid',
  'invoice.payment_attempt_required': 'open',
  'invoice.sent': 'open',
  'invoice.will_be_due': 'open',
  'invoice_payment.open': 'open',
  'invoice_payment.canceled': 'canceled',
  'credit_note.voided': 'void',
  'setup_intent.created': 'requires_payment_method',
  'setup_intent.setup_failed': 'requires_payment_method',
  'setup_intent.succeeded': 'succeeded',
  'subscription_schedule.created': 'not_started',
  'subscription_schedule.aborted': 'canceled',
  'subscription_schedule.canceled': 'canceled',
  'subscription_schedule.completed': 'completed',
};

/** Other fields an event type implies for its object, where the vendored file disagrees. */
export const FIELDS_FOR_TYPE: Record<string, Record<string, unknown>> = {
  'review.closed': { open: false, closed_reason: 'approved' },
  'radar.early_fraud_warning.updated': { actionable: false },
  'payment_method.detached': { customer: null },
  'product.deactivated': { active: false },
  'product.activated': { active: true },
  'price.deactivated': { active: false },
  'price.activated': { active: true },
  'promotion_code.created': { active: true },
  'promotion_code.fully_redeemed': { active: false, max_redemptions: 1, times_redeemed: 1 },
};

/**
 * Event type → the activity that applies it. One handler per type: the handler's transaction
 * writes the ledger row and the whole business change together. A type missing here is
 * acknowledged and completes as `ignored` (a 4xx/5xx would make Stripe retry for days).
 *
 * Pure module (the workflow routes with it). activities/index.ts checks at compile time that the
 * activity library implements exactly these handler names.
 */
export const HANDLER_NAMES = [
  'applyChargeEvent',
  'applyCheckoutSessionEvent',
  'applyCustomerEvent',
  'applyDisputeEvent',
  'applyInvoiceEvent',
  'applyPaymentIntentEvent',
  'applyRefundEvent',
  'applySubscriptionEvent',
] as const;

export type HandlerName = (typeof HANDLER_NAMES)[number];

export const ROUTES: Readonly<Record<string, HandlerName>> = {
  'checkout.session.completed': 'applyCheckoutSessionEvent',
  'checkout.session.async_payment_succeeded': 'applyCheckoutSessionEvent',
  'checkout.session.async_payment_failed': 'applyCheckoutSessionEvent',
  'checkout.session.expired': 'applyCheckoutSessionEvent',

  'customer.created': 'applyCustomerEvent',
  'customer.updated': 'applyCustomerEvent',
  'customer.deleted': 'applyCustomerEvent',

  'customer.subscription.created': 'applySubscriptionEvent',
  'customer.subscription.updated': 'applySubscriptionEvent',
  'customer.subscription.deleted': 'applySubscriptionEvent',
  'customer.subscription.paused': 'applySubscriptionEvent',
  'customer.subscription.resumed': 'applySubscriptionEvent',
  'customer.subscription.trial_will_end': 'applySubscriptionEvent',

  'invoice.created': 'applyInvoiceEvent',
  'invoice.updated': 'applyInvoiceEvent',
  'invoice.finalized': 'applyInvoiceEvent',
  'invoice.paid': 'applyInvoiceEvent',
  'invoice.payment_succeeded': 'applyInvoiceEvent',
  'invoice.payment_failed': 'applyInvoiceEvent',
  'invoice.payment_action_required': 'applyInvoiceEvent',
  'invoice.marked_uncollectible': 'applyInvoiceEvent',
  'invoice.voided': 'applyInvoiceEvent',
  'invoice.deleted': 'applyInvoiceEvent',

  'payment_intent.succeeded': 'applyPaymentIntentEvent',
  'payment_intent.payment_failed': 'applyPaymentIntentEvent',
  'payment_intent.canceled': 'applyPaymentIntentEvent',
  'payment_intent.processing': 'applyPaymentIntentEvent',
  'payment_intent.requires_action': 'applyPaymentIntentEvent',

  'charge.succeeded': 'applyChargeEvent',
  'charge.failed': 'applyChargeEvent',
  'charge.captured': 'applyChargeEvent',
  'charge.refunded': 'applyChargeEvent',
  'charge.updated': 'applyChargeEvent',

  'charge.dispute.created': 'applyDisputeEvent',
  'charge.dispute.updated': 'applyDisputeEvent',
  'charge.dispute.closed': 'applyDisputeEvent',
  'charge.dispute.funds_withdrawn': 'applyDisputeEvent',
  'charge.dispute.funds_reinstated': 'applyDisputeEvent',

  'refund.created': 'applyRefundEvent',
  'refund.updated': 'applyRefundEvent',
  'refund.failed': 'applyRefundEvent',
};

export function routeFor(eventType: string): HandlerName | undefined {
  // hasOwn: a type such as "constructor" must not resolve through the prototype.
  return Object.hasOwn(ROUTES, eventType) ? ROUTES[eventType] : undefined;
}

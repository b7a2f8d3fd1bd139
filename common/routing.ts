/**
 * Event type → the activity that applies it, derived from the table of kinds (common/kinds). One
 * handler per type: the handler's transaction writes the ledger row and the whole business change
 * together. A type missing here is acknowledged and completes as `ignored` (a 4xx/5xx would make
 * Stripe retry for days).
 *
 * Pure module (the workflow routes with it). activities/index.ts checks at compile time that the
 * activity library implements exactly these handler names.
 */
import { KIND_NAMES, KINDS } from './kinds';
import type { HandlerName } from './kinds';

export type { HandlerName } from './kinds';

export const HANDLER_NAMES: readonly HandlerName[] = KIND_NAMES.flatMap((name) => {
  const handler: HandlerName | null = KINDS[name].handler;
  return handler ? [handler] : [];
}).sort();

export const ROUTES: Readonly<Record<string, HandlerName>> = Object.freeze(
  Object.fromEntries(
    KIND_NAMES.flatMap((name) => {
      const handler: HandlerName | null = KINDS[name].handler;
      return handler ? KINDS[name].events.map((type) => [type, handler]) : [];
    }),
  ),
);

export function routeFor(eventType: string): HandlerName | undefined {
  // hasOwn: a type such as "constructor" must not resolve through the prototype.
  return Object.hasOwn(ROUTES, eventType) ? ROUTES[eventType] : undefined;
}

/**
 * The types routed by the first release. Any other routed type was once ignored: a history that
 * recorded it as ignored (one workflow task, no activity) must replay as ignored, so the workflow
 * routes it only under the `ROUTED_LATER_PATCH` marker. These 41 need no marker.
 */
export const FIRST_RELEASE_TYPES: ReadonlySet<string> = new Set([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'customer.subscription.trial_will_end',
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
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'payment_intent.processing',
  'payment_intent.requires_action',
  'charge.succeeded',
  'charge.failed',
  'charge.captured',
  'charge.refunded',
  'charge.updated',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
  'refund.created',
  'refund.updated',
  'refund.failed',
]);

/** The `patched()` id under which a type routed after the first release is handled. */
export const ROUTED_LATER_PATCH = 'routed-later';

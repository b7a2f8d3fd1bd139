import Stripe from 'stripe';
import type { StripeEvent } from '../common/stripe-event';
import { fromThinEvent, whyNotAThinEvent } from '../common/thin-event';
import type { ThinEventBody } from '../common/thin-event';
import { WebhookRejection } from './rejection';

/** Parses thin events only, so it never makes a request and needs no key. */
const notifications = new Stripe('sk_unused_for_parsing');

/**
 * A thin event (event destinations), parsed with stripe-node's event notification API over the
 * same bytes with the secret that matched in verifyStripeEvent, then normalized for the workflow
 * (common/thin-event.ts). stripe-node verifies the signature again, which costs one HMAC.
 */
export function parseThinEvent(rawBody: Buffer, header: string, secret: string): StripeEvent {
  // verifyStripeEvent checked the window in both directions; this tolerance turns stripe-node's off.
  const notification = notifications.parseEventNotification(rawBody, header, secret, Number.MAX_SAFE_INTEGER);
  const body = {
    id: notification.id,
    object: notification.object,
    type: notification.type,
    created: notification.created,
    livemode: notification.livemode,
    context: notification.context?.toString() ?? null,
    related_object: (notification as { related_object?: unknown }).related_object,
    snapshot_event: notification.snapshot_event,
  };
  const why = whyNotAThinEvent(body);
  if (why !== undefined) {
    throw new WebhookRejection(
      'not_a_stripe_event',
      `The signature is valid but the body is not a thin event: ${why}. Send the event exactly as Stripe delivered it.`,
    );
  }
  return fromThinEvent(body as ThinEventBody);
}

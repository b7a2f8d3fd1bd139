import type { Context } from 'koa';
import getRawBody from 'raw-body';
import Stripe from 'stripe';
import type { StripeEvent } from '../../common/stripe-event';

// constructEvent never calls the API; the key is required by the constructor only.
const stripe = new Stripe('sk_test_unused');

/**
 * The tutorial's first step, shared by both alternative designs: read the raw body and verify it
 * with the `stripe` package's constructEvent (300 s tolerance). Answers 400 and returns undefined
 * when the signature does not hold.
 */
export async function verifiedEvent(ctx: Context, secret: string): Promise<StripeEvent | undefined> {
  const rawBody = await getRawBody(ctx.req, { length: ctx.request.length, limit: '1mb' });
  try {
    const event = stripe.webhooks.constructEvent(rawBody, ctx.get('stripe-signature'), secret, 300);
    return event as unknown as StripeEvent;
  } catch {
    ctx.status = 400;
    ctx.body = { error: 'signature_verification_failed' };
    return undefined;
  }
}

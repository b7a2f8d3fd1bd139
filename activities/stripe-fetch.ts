import Stripe from 'stripe';
import type { StripeApi } from '../common/stripe-api';
import type { StripeEvent, StripeObject } from '../common/stripe-event';
import type { PreparedEvent } from './refetch';

/** An object as Stripe's API returned it, and the API's own clock at that moment (its Date header). */
export interface Fetched {
  object: StripeObject;
  stripeTime: number | undefined;
}

/**
 * One retrieve under the token bucket. Undefined when the API no longer has the object (404); any
 * other error fails the attempt and Temporal retries it.
 */
export async function fetchFromStripe(
  stripeApi: StripeApi,
  what: string,
  call: (stripe: Stripe) => Promise<unknown>,
): Promise<Fetched | undefined> {
  try {
    const object = (await stripeApi.call(what, call)) as StripeObject & {
      lastResponse?: { headers?: Record<string, string> };
    };
    const date = Date.parse(object.lastResponse?.headers?.date ?? '');
    // stripe-node defines lastResponse as non-enumerable: the spread copies the object's fields only.
    return { object: { ...object }, stripeTime: Number.isNaN(date) ? undefined : Math.floor(date / 1000) };
  } catch (err) {
    if (err instanceof Stripe.errors.StripeInvalidRequestError && err.statusCode === 404) return undefined;
    throw withoutStripeMessage(err, what);
  }
}

/** Only Stripe's error type and status leave: its message may quote input. Other errors pass as they are. */
export function withoutStripeMessage(err: unknown, what: string): unknown {
  if (err instanceof Stripe.errors.StripeError) {
    return new Error(`Stripe API ${err.type} (${err.statusCode ?? 'no status'}) on ${what}`);
  }
  return err;
}

/**
 * The event carrying the fetched object instead of its payload's, versioned as of the fetch by
 * Stripe's clock less a second: every change before then is in it, so older events that arrive
 * later are stale, and an event created at that moment or after still wins.
 */
export function withFetchedObject(event: StripeEvent, fetched: Fetched): PreparedEvent {
  const asOf = fetched.stripeTime === undefined ? event.created : fetched.stripeTime - 1;
  return {
    event: {
      ...event,
      created: Math.max(event.created, asOf),
      data: { ...event.data, object: fetched.object },
    },
    refetched: { originalCreated: event.created },
  };
}

/**
 * Thin events carry no object (common/thin-event.ts): the handler applies the related object as
 * Stripe's API returns it, through the same guarded upsert, versioned by Stripe's clock. Objects
 * without a retrievable id (a customer's discount, an entitlement summary) and objects the API no
 * longer has (a deleted product) are applied from the snapshot event the thin event names.
 */
import { ApplicationFailure } from '@temporalio/common';
import { THIN_EVENT_NEEDS_API_KEY } from '../common/failures';
import type { StripeApi } from '../common/stripe-api';
import type { StripeEvent } from '../common/stripe-event';
import { invalidPayload } from './errors';
import { mirrorKind } from './kinds';
import type { PreparedEvent } from './refetch';
import { fetchFromStripe, withFetchedObject } from './stripe-fetch';

export { THIN_EVENT_NEEDS_API_KEY };

/**
 * How soon a held thin event tries again: fixed rather than the workflow's backoff (up to 5
 * minutes), so a worker restarted with the key drains the backlog within seconds. Each attempt
 * costs nothing but the attempt: no database, no API call.
 */
export const THIN_RETRY_DELAY_MS = 5_000;

/** The event carrying its object, retrieved from Stripe; a retryable failure while no key is set. */
export async function prepareThinEvent(
  event: StripeEvent,
  stripeApi: StripeApi | undefined,
): Promise<PreparedEvent> {
  const thin = event.thin;
  if (!thin) return { event };
  if (!stripeApi) {
    // Retryable: the event was acknowledged and waits here, visible as a pending activity, until
    // a worker with the key picks it up.
    throw ApplicationFailure.create({
      type: THIN_EVENT_NEEDS_API_KEY,
      message:
        `thin event ${thin.id} (${thin.type}) carries no object: thin events need STRIPE_API_KEY to ` +
        'retrieve it. Set STRIPE_API_KEY and restart the worker; this event is retried until then.',
      nonRetryable: false,
      nextRetryDelay: THIN_RETRY_DELAY_MS,
    });
  }
  const options = event.account ? { stripeAccount: event.account } : {};
  const kind = event.data.object.object;
  const id = event.data.object.id;
  const retrieve = mirrorKind(kind)?.retrieve;
  if (retrieve && id) {
    const fetched = await fetchFromStripe(stripeApi, `retrieve ${kind} ${id}`, (stripe) =>
      retrieve(stripe, id, options),
    );
    if (fetched) return withFetchedObject(event, fetched);
  }
  if (thin.snapshotEvent) {
    const snapshotId = thin.snapshotEvent;
    const fetched = await fetchFromStripe(stripeApi, `retrieve event ${snapshotId}`, (stripe) =>
      stripe.events.retrieve(snapshotId, {}, options),
    );
    const snapshot = fetched?.object as StripeEvent | undefined;
    if (snapshot?.data?.object) {
      return {
        event: {
          ...event,
          created: snapshot.created,
          api_version: snapshot.api_version ?? null,
          data: snapshot.data,
        },
        refetched: { originalCreated: event.created },
      };
    }
  }
  // Neither the object nor its snapshot (older than the Events API's 30 days): nothing to apply.
  throw invalidPayload(
    `thin event ${thin.id} (${thin.type}): Stripe's API has neither the ${kind}${id ? ` ${id}` : ''} ` +
      `nor ${thin.snapshotEvent ? `the snapshot event ${thin.snapshotEvent}` : 'a snapshot event'} to apply`,
  );
}

import { eq } from 'drizzle-orm';
import { eventIds } from '../common/stripe-event';
import type { StripeEvent } from '../common/stripe-event';
import type { Database } from '../db/client';
import { stripeEvents } from '../db/schema';
import { toActivityFailure } from './errors';
import type { PreparedEvent, RefetchOrigin } from './refetch';
import type { Tx } from './tx';

export type Outcome = 'applied' | 'stale';

export interface HandlerResult {
  eventId: string;
  handler: string;
  outcome: Outcome;
  /** True when the ledger already held this event: a retry, a reset or a redelivery. Nothing changed. */
  alreadyRecorded: boolean;
  /** The object applied was retrieved from Stripe's API (refetch.ts), not taken from the payload. */
  refetched: boolean;
  /** The subscribers the event was handed to (activities/stripe-dispatch.ts); absent when none. */
  subscribers?: string[];
}

/**
 * Runs `apply` and writes the ledger row in one transaction, at most once per event id. When the event
 * carries an object fetched from the API (`refetched`), the ledger keeps the event's own `created`.
 *
 * The ledger insert comes first: a concurrent attempt of the same event blocks on it until the
 * first commits, then sees the row and changes nothing. Activity retries after a lost
 * acknowledgement, `temporal workflow reset`, and redeliveries after Temporal's retention has
 * expired all land here and leave the mirror as it was.
 */
export async function applyOnce(
  db: Database,
  { event, refetched }: PreparedEvent,
  handler: string,
  apply: (tx: Tx) => Promise<Outcome>,
): Promise<HandlerResult> {
  try {
    return await claimAndApply(db, event, handler, apply, refetched);
  } catch (err) {
    throw toActivityFailure(err, `${handler} on ${event.type} ${event.id}`);
  }
}

async function claimAndApply(
  db: Database,
  event: StripeEvent,
  handler: string,
  apply: (tx: Tx) => Promise<Outcome>,
  origin: RefetchOrigin | undefined,
): Promise<HandlerResult> {
  return db.transaction(async (tx) => {
    const ids = eventIds(event);
    const claimed = await tx
      .insert(stripeEvents)
      .values({
        id: event.id,
        type: event.type,
        objectId: ids.objectId ?? null,
        customerId: ids.customerId ?? null,
        account: ids.account || null,
        livemode: event.livemode,
        apiVersion: event.api_version ?? null,
        created: origin?.originalCreated ?? event.created,
        handler,
        outcome: 'applied',
        refetched: origin !== undefined,
      })
      .onConflictDoNothing({ target: stripeEvents.id })
      .returning({ id: stripeEvents.id });

    if (claimed.length === 0) {
      const [recorded] = await tx
        .select({
          outcome: stripeEvents.outcome,
          handler: stripeEvents.handler,
          refetched: stripeEvents.refetched,
        })
        .from(stripeEvents)
        .where(eq(stripeEvents.id, event.id));
      return {
        eventId: event.id,
        handler: recorded?.handler ?? handler,
        outcome: recorded?.outcome ?? 'applied',
        alreadyRecorded: true,
        refetched: recorded?.refetched ?? false,
      };
    }

    const outcome = await apply(tx);
    if (outcome !== 'applied') {
      await tx.update(stripeEvents).set({ outcome }).where(eq(stripeEvents.id, event.id));
    }
    return { eventId: event.id, handler, outcome, alreadyRecorded: false, refetched: origin !== undefined };
  });
}

import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq } from 'drizzle-orm';
import { ConfigError } from '../common/config';
import { KIND_NAMES, kindSpec } from '../common/kinds';
import type { StripeApi } from '../common/stripe-api';
import { refId } from '../common/stripe-event';
import type { StripeEvent } from '../common/stripe-event';
import type { Database } from '../db/client';
import { sameAccount } from './guarded-upsert';
import { mirrorKind, MIRROR_KINDS } from './kinds';
import { fetchFromStripe, withFetchedObject } from './stripe-fetch';
import { prepareThinEvent } from './thin-events';

/**
 * Re-fetch mode (dj-stripe's and Pay's approach): instead of trusting the payload, the handler
 * applies the object as Stripe's API returns it now. Three triggers:
 *
 * - configured: every event whose object kind is listed in STRIPE_REFETCH_OBJECTS;
 * - automatic, whenever an API key is configured: the mirror row was written by another event
 *   created in the same second, so `created` cannot tell which is newer and the tie rule would
 *   have to guess. The API knows;
 * - automatic too: the payload holds only part of the object (an entitlement summary whose list
 *   has more pages), which would otherwise replace the stored set with a part of it.
 *
 * Thin events carry no object at all: they always retrieve it (thin-events.ts).
 *
 * Objects whose mirror row is already in a final state are not fetched: nothing can change them.
 *
 * The fetched object is versioned as of the fetch, by Stripe's own clock (its `Date` header) less a
 * second: it reflects every change before then, so older events that arrive later are stale, and an
 * event created at the same moment or after still wins. Convergence holds because the newest event
 * of an object is always fetched after it was created.
 */

/** Kinds the API can retrieve one by one: the values STRIPE_REFETCH_OBJECTS accepts. */
export const REFETCHABLE_OBJECTS: readonly string[] = KIND_NAMES.filter(
  (name) => MIRROR_KINDS[name].retrieve,
);

interface StoredVersion {
  created: number;
  eventId: string;
  final: boolean;
}

async function storedVersion(
  db: Database,
  kind: string,
  id: string,
  account: string | null | undefined,
): Promise<StoredVersion | undefined> {
  const mirror = mirrorKind(kind);
  if (!mirror) return undefined;
  const status = mirror.storedStatus;
  const [row] = (await db
    .select({
      created: mirror.table.sourceEventCreated,
      eventId: mirror.table.sourceEventId,
      ...(status && { status: status.column }),
    })
    .from(mirror.table)
    .where(and(eq(mirror.table.id, id), sameAccount(mirror.table.account, account)))) as {
    created: number;
    eventId: string;
    status?: unknown;
  }[];
  if (!row) return undefined;
  const state = status ? (status.read?.(row.status) ?? String(row.status)) : undefined;
  const final: readonly string[] = kindSpec(kind)?.final ?? [];
  return {
    created: Number(row.created),
    eventId: row.eventId,
    final: state !== undefined && final.includes(state),
  };
}

/** Set when the handler gets a fetched object: the ledger records the event's own `created`. */
export interface RefetchOrigin {
  originalCreated: number;
}

/** What a handler applies: the event, possibly carrying a fetched object instead of its payload's. */
export interface PreparedEvent {
  event: StripeEvent;
  refetched?: RefetchOrigin | undefined;
}

export interface Refetcher {
  /** `event` itself, or a copy carrying the object as Stripe returns it now, with its origin. */
  prepare(event: StripeEvent): Promise<PreparedEvent>;
}

/** A typo in STRIPE_REFETCH_OBJECTS would silently re-fetch nothing: refuse it at start instead. */
export function assertRefetchable(kinds: readonly string[]): void {
  const unknown = kinds.filter((kind) => !REFETCHABLE_OBJECTS.includes(kind));
  if (unknown.length > 0) {
    throw new ConfigError(
      `STRIPE_REFETCH_OBJECTS names ${unknown.map((kind) => `"${kind}"`).join(', ')}, which cannot be ` +
        `re-fetched: use object kinds from ${REFETCHABLE_OBJECTS.join(', ')}`,
    );
  }
}

export interface RefetchOptions {
  db: Database;
  stripeApi?: StripeApi | undefined;
  refetchObjects?: readonly string[] | undefined;
  /** Injected by tests: how to wait until a tied second is over. */
  waitMs?: (ms: number) => Promise<unknown>;
}

export function createRefetcher({
  db,
  stripeApi,
  refetchObjects = [],
  waitMs = sleep,
}: RefetchOptions): Refetcher {
  assertRefetchable(refetchObjects);
  const configured = new Set(refetchObjects);
  return {
    async prepare(event) {
      if (event.thin) return prepareThinEvent(event, stripeApi);
      if (!stripeApi) return { event };
      const object = event.data.object;
      const kind = object.object;
      const mirror = mirrorKind(kind);
      const retrieve = mirror?.retrieve;
      const id = refId(object[kindSpec(kind)?.key ?? 'id']);
      if (!retrieve || !id) return { event };

      const stored = await storedVersion(db, kind, id, event.account);
      if (stored?.final) return { event };
      const tie = stored !== undefined && stored.created === event.created && stored.eventId !== event.id;
      if (!configured.has(kind) && !tie && !mirror.partial?.(object)) return { event };

      // A tie is only broken by a fetch made after the tied second: before that, another change in
      // the same second might still be on its way.
      if (tie) {
        const untilNextSecondMs = (event.created + 2) * 1000 - Date.now();
        if (untilNextSecondMs > 0) await waitMs(untilNextSecondMs);
      }
      const fetched = await fetchFromStripe(stripeApi, `retrieve ${kind} ${id}`, (stripe) =>
        retrieve(stripe, id, event.account ? { stripeAccount: event.account } : {}),
      );
      // Gone from the API (deleted, or test data): the payload is all there is.
      return fetched ? withFetchedObject(event, fetched) : { event };
    },
  };
}

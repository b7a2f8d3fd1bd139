import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type Stripe from 'stripe';
import type { HandlerName, KindName, KINDS } from '../../common/kinds';
import type { StripeEvent, StripeObject } from '../../common/stripe-event';
import type { ActivityDeps } from '../deps';
import type { HandlerResult } from '../ledger';
import type { RefetchOrigin } from '../refetch';

/** A handler as a kind implements it: the event (perhaps carrying a re-fetched object) and its origin. */
export type KindHandler = (event: StripeEvent, refetched?: RefetchOrigin) => Promise<HandlerResult>;

/** A mirror table: keyed by `id`, versioned by the event that wrote each row (guarded-upsert.ts). */
export type MirrorTable = PgTable & {
  id: PgColumn;
  sourceEventId: PgColumn;
  sourceEventCreated: PgColumn;
  sourceEventRank: PgColumn;
};

/** Pagination as every Stripe list endpoint takes it; the initial sync pages with it. */
export type ListParams = Stripe.PaginationParams;

/**
 * The database and API side of one kind (its plain facts are in common/kinds): where its rows live,
 * how to read a row's state, how to retrieve one object and list them all, and the handler.
 */
export interface MirrorKind {
  table: MirrorTable;
  /** The stored state that re-fetch compares with the kind's `final` states; absent: never final. */
  storedStatus?: { column: PgColumn; read?: (value: unknown) => string };
  /** One object as Stripe's API returns it now; absent when the API has no retrieve for it. */
  retrieve?: (stripe: Stripe, id: string, options: Stripe.RequestOptions) => Promise<unknown>;
  /** Every object of the kind (auto-paginated), for an initial sync. */
  list: (stripe: Stripe, params: ListParams) => AsyncIterable<unknown>;
  /** The payload holds only part of the object (a list cut short): re-fetch it whenever a key is set. */
  partial?: (object: StripeObject) => boolean;
  /** Builds the handler; present exactly when the kind's entry names one. */
  handler?: (deps: ActivityDeps) => KindHandler;
}

/** The entry for kind `K`: it must implement a handler if and only if common/kinds names one. */
export type MirrorKindOf<K extends KindName> = MirrorKind &
  ((typeof KINDS)[K]['handler'] extends HandlerName
    ? { handler: (deps: ActivityDeps) => KindHandler }
    : { handler?: undefined });

/** A `deleted` boolean column read as a state: `deleted` is final for every deletable kind. */
export function deletedFlag(column: PgColumn): NonNullable<MirrorKind['storedStatus']> {
  return { column, read: (value) => (value === true ? 'deleted' : 'live') };
}

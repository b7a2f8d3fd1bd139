import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type Stripe from 'stripe';
import type { HandlerName, KindName, KINDS } from '../../common/kinds';
import type { StripeApi } from '../../common/stripe-api';
import type { StripeEvent, StripeObject } from '../../common/stripe-event';
import type { ActivityDeps } from '../deps';
import type { HandlerResult } from '../ledger';
import type { RefetchOrigin } from '../refetch';

/** A handler as a kind implements it: the event (perhaps carrying a re-fetched object) and its origin. */
export type KindHandler = (event: StripeEvent, refetched?: RefetchOrigin) => Promise<HandlerResult>;

/** A mirror table: keyed by `id`, versioned by the event that wrote each row (guarded-upsert.ts). */
export type MirrorTable = PgTable & {
  id: PgColumn;
  account: PgColumn;
  sourceEventId: PgColumn;
  sourceEventCreated: PgColumn;
  sourceEventRank: PgColumn;
};

/**
 * What the initial sync asks a kind's list for: a page after a cursor, of objects created since a
 * moment. Per-customer kinds apply both to the customers they walk.
 */
export interface ListParams {
  limit?: number;
  starting_after?: string;
  created?: { gte: number };
}

/** One page of a kind's listing, as the initial sync consumes it. */
export interface ListPage {
  data: unknown[];
  /** `starting_after` for the next page: the last object's id, or the last customer's for per-customer kinds. */
  nextCursor: string | undefined;
  hasMore: boolean;
  /** Stripe's clock when it answered (the Date header), in unix seconds. */
  stripeTime: number | undefined;
}

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
  /**
   * One page of every object of the kind, for the initial sync (list-page.ts builds these). Every
   * call it makes goes through `api`, under the process's token bucket.
   */
  listPage: (api: StripeApi, params: ListParams, options: Stripe.RequestOptions) => Promise<ListPage>;
  /** The payload holds only part of the object (a list cut short): re-fetch it whenever a key is set. */
  partial?: (object: StripeObject) => boolean;
  /** Builds the handler; present exactly when the kind's entry names one. */
  handler?: (deps: ActivityDeps) => KindHandler;
  /** How the initial sync applies a listed object of a kind no event carries (no `handler`). */
  listedHandler?: (deps: ActivityDeps) => KindHandler;
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

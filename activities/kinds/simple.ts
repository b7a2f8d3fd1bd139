/** Helpers for kinds whose whole change is one guarded upsert of one row. */
import type { HandlerName } from '../../common/kinds';
import type { StripeEvent, StripeObject } from '../../common/stripe-event';
import { sourceEvent, upsertIfNewer } from '../guarded-upsert';
import { applyOnce } from '../ledger';
import { statusRank } from '../ordering';
import { bool, eventObject } from '../read';
import type { ActivityDeps } from '../deps';
import type { KindHandler, MirrorTable } from './define';

/** The handler: ledger row and guarded upsert in one transaction; `stale` when a newer event wrote the row. */
export function upsertHandler<T extends MirrorTable>(
  handler: HandlerName | 'applyListedFeature',
  table: T,
  row: (event: StripeEvent) => T['$inferInsert'],
): (deps: ActivityDeps) => KindHandler {
  return ({ db }) =>
    (event, refetched) =>
      applyOnce(db, { event, refetched }, handler, async (tx) =>
        (await upsertIfNewer(tx, table, row(event))) ? 'applied' : 'stale',
      );
}

/** The version columns of a row written by `event` in lifecycle state `state` of `kind`. */
export function versionOf(event: StripeEvent, kind: string, state: string | null) {
  return sourceEvent(event, statusRank(kind, state));
}

/** `*.deleted` events, and payloads that say `deleted: true` (some versions send both ways). */
export function isDeletion(event: StripeEvent, object: StripeObject): boolean {
  return event.type.endsWith('.deleted') || bool(object.deleted);
}

/** A deletion that carries nothing but the id (plan.deleted does): only the flag can be written. */
export function isBareDeletion(object: StripeObject): boolean {
  return Object.keys(object).every((key) => key === 'id' || key === 'object' || key === 'deleted');
}

/** Metadata as stored: a string map, or null. */
export function metadataOf(value: unknown): Record<string, string> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, string>)
    : null;
}

export interface Deletable {
  object: StripeObject & { id: string };
  /** A bare deletion: write `base` alone, so the row keeps what the mirror knew of the object. */
  bare: boolean;
  /** The columns every row of a deletable kind starts from: key, deleted flag, livemode, version. */
  base: { id: string; deleted: boolean; livemode: boolean } & ReturnType<typeof versionOf>;
}

/** The event's object of a deletable kind (product, price, coupon, ...), and its row's first columns. */
export function deletable(event: StripeEvent, kind: string, id?: string): Deletable {
  const object = eventObject(event, kind, id);
  const deleted = isDeletion(event, object);
  return {
    object,
    bare: deleted && isBareDeletion(object),
    base: {
      id: object.id,
      deleted,
      livemode: event.livemode,
      ...versionOf(event, kind, deleted ? 'deleted' : null),
    },
  };
}

/**
 * What the whole project knows about one kind of Stripe object, as plain data. Routing, ordering,
 * re-fetch, the README's event table and the tests are derived from these entries; the database
 * and API side of each kind lives in activities/kinds/.
 *
 * Pure module: the workflow sandbox routes with it, so no imports here.
 */
export interface KindSpec {
  /** The handler activity that applies the kind's events; null for a kind no event carries. */
  readonly handler: string | null;
  /** The mirror table its rows live in. */
  readonly table: string;
  /** Snapshot event types whose `data.object` is this kind (thin events: the same with `v1.`). */
  readonly events: readonly string[];
  /**
   * Same-second tie-break: the later lifecycle state ranks higher (ordering.ts). States an object
   * moves between in both directions share a rank. Unlisted states rank 0.
   */
  readonly ranks?: Readonly<Record<string, number>>;
  /** States no later event can leave: re-fetch skips them, and notifications treat them as settled. */
  readonly final?: readonly string[];
  /** The field that keys the mirror row when it is not `id` (a summary per customer). */
  readonly key?: string;
  /** checkout.session only: payment statuses after which the goods are owed. */
  readonly settledPaymentStatuses?: readonly string[];
}

/** Deletable kinds: `*.deleted` marks the row deleted, and nothing revives a deleted object. */
export const DELETED_RANKS = { deleted: 9 } as const;

import { kindSpec } from '../common/kinds';

/**
 * Ordering rule for the billing mirror. Stripe does not order deliveries, and `created` has
 * one-second resolution, so each row stores the (created, rank, event id) of the event that wrote
 * it and an event only overwrites the row when its own triple is greater:
 *
 *  1. A newer `created` second wins.
 *  2. In the same second, the object's later lifecycle state wins (rank): terminal states such as
 *     canceled, paid, void, succeeded and lost beat the states that lead to them. States an object
 *     can move between in both directions (active ⇄ past_due, paused ⇄ active) share a rank, so
 *     a recovery is never outranked by the state it recovered from.
 *  3. Still tied, the greater event id wins. Arbitrary but deterministic, so every arrival order
 *     converges on the same row: never "last arrival wins".
 *
 * The ranks of each kind are in its entry in common/kinds.
 */

/** The lifecycle rank of `status` for an object kind (its `ranks` in common/kinds). Unknown statuses rank lowest. */
export function statusRank(kind: string, status: string | null | undefined): number {
  const ranks: Readonly<Record<string, number>> | undefined = kindSpec(kind)?.ranks;
  return (status && ranks && Object.hasOwn(ranks, status) && ranks[status]) || 0;
}

export interface EventVersion {
  created: number;
  rank: number;
  eventId: string;
}

/** The ordering of the SQL guard in guarded-upsert.ts (which also lets the same event rewrite its row). */
export function isNewer(incoming: EventVersion, stored: EventVersion): boolean {
  if (incoming.created !== stored.created) return incoming.created > stored.created;
  if (incoming.rank !== stored.rank) return incoming.rank > stored.rank;
  return incoming.eventId > stored.eventId;
}

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
 */
const STATUS_RANKS: Record<string, Record<string, number>> = {
  subscription: {
    incomplete: 0,
    trialing: 1,
    active: 2,
    past_due: 2,
    unpaid: 2,
    paused: 2,
    canceled: 9,
    incomplete_expired: 9,
  },
  invoice: { draft: 0, open: 1, uncollectible: 2, paid: 9, void: 9, deleted: 9 },
  // requires_payment_method is both the first state and the state after a failed attempt; the
  // payments mapper ranks the latter (it carries last_payment_error) as payment_failed.
  payment_intent: {
    requires_payment_method: 0,
    requires_confirmation: 1,
    requires_action: 2,
    processing: 3,
    payment_failed: 4,
    requires_capture: 5,
    canceled: 9,
    succeeded: 9,
  },
  charge: { pending: 0, failed: 1, succeeded: 1 },
  refund: { pending: 0, requires_action: 0, succeeded: 1, failed: 1, canceled: 1 },
  dispute: {
    warning_needs_response: 0,
    needs_response: 0,
    warning_under_review: 1,
    under_review: 1,
    warning_closed: 2,
    won: 2,
    lost: 2,
    prevented: 2,
  },
  customer: { active: 0, deleted: 9 },
  'checkout.session': { open: 0, complete: 1, expired: 1 },
};

/** The lifecycle rank of `status` for an object kind. Unknown statuses rank lowest. */
export function statusRank(kind: string, status: string | null | undefined): number {
  return (status && STATUS_RANKS[kind]?.[status]) || 0;
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

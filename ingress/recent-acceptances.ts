import type { EventStarter } from '../common/event-starter';

export interface RecentAcceptancesOptions {
  /** How many event ids to remember; the oldest is forgotten first. */
  maxEntries: number;
  /** How long an id is remembered. */
  ttlMs: number;
  now?: () => number;
}

/**
 * Answers a redelivery of an event this process saw Temporal accept within the last few minutes
 * as a duplicate, without asking Temporal again. Stripe redelivers when our 200 was lost or late,
 * usually to the same replica within seconds, and each such start is a full round trip that
 * Temporal refuses. Safe because an id is remembered only after Temporal confirmed the start (or
 * confirmed it already had it): the event is durably there. Everything else, including an id this
 * replica never saw, goes to Temporal, which stays the dedupe of record for the namespace
 * retention. The TTL bounds the one case where the shortcut differs: an operator who deleted the
 * workflow and resends the event from Stripe's dashboard within the TTL gets 200 without a new run.
 */
export function withRecentAcceptances(
  starter: EventStarter,
  { maxEntries, ttlMs, now = Date.now }: RecentAcceptancesOptions,
): EventStarter {
  // Insertion-ordered: the first key is the oldest, so forgetting is O(1).
  const acceptedAt = new Map<string, number>();

  function remember(id: string): void {
    acceptedAt.delete(id);
    acceptedAt.set(id, now());
    if (acceptedAt.size > maxEntries) acceptedAt.delete(acceptedAt.keys().next().value as string);
  }

  return {
    async start(event) {
      const seen = acceptedAt.get(event.id);
      if (seen !== undefined && now() - seen < ttlMs) return 'duplicate';
      const outcome = await starter.start(event);
      remember(event.id);
      return outcome;
    },
    readiness: () => starter.readiness(),
  };
}

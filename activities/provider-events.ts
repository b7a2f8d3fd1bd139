import { providerEvents } from '../db/schema';
import type { Database } from '../db/client';
import type { ProviderEvent } from '../common/provider-event';

/**
 * Activities for provider events. Idempotent by construction (a reset re-runs them): the insert
 * is a no-op for an event already recorded, and says so.
 */
export function createProviderActivities({ db }: { db: Database }) {
  return {
    recordProviderEvent: async (event: ProviderEvent): Promise<{ alreadyRecorded: boolean }> => {
      const inserted = await db
        .insert(providerEvents)
        .values({
          provider: event.provider,
          eventId: event.id,
          type: event.type,
          receivedAt: new Date(event.receivedAt),
        })
        .onConflictDoNothing()
        .returning({ eventId: providerEvents.eventId });
      return { alreadyRecorded: inserted.length === 0 };
    },
  };
}

export type ProviderActivities = ReturnType<typeof createProviderActivities>;

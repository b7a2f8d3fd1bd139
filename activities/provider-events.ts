import { providerEvents } from '../db/schema';
import type { Database } from '../db/client';
import { providerWorkflowId } from '../common/provider-event';
import type { ProviderEvent } from '../common/provider-event';
import type { SubscriberDispatcher } from './subscribers';

/**
 * Activities for provider events. Idempotent by construction (a reset re-runs them): the insert
 * is a no-op for an event already recorded, and says so. Then the event goes to its subscribers
 * (started by id, so a retry or a reset starts no second delivery).
 */
export function createProviderActivities({
  db,
  subscribers,
}: {
  db: Database;
  subscribers?: SubscriberDispatcher | undefined;
}) {
  return {
    recordProviderEvent: async (
      event: ProviderEvent,
    ): Promise<{ alreadyRecorded: boolean; subscribers?: string[] }> => {
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
      const alreadyRecorded = inserted.length === 0;
      const names = await subscribers?.dispatch(providerWorkflowId(event.provider, event.id), {
        version: 1,
        source: event.provider,
        eventId: event.id,
        eventType: event.type,
        account: null,
        object: event.payload,
        outcome: 'recorded',
      });
      return names && names.length > 0 ? { alreadyRecorded, subscribers: names } : { alreadyRecorded };
    },
  };
}

export type ProviderActivities = ReturnType<typeof createProviderActivities>;

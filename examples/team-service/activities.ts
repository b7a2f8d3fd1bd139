import { appendFile } from 'node:fs/promises';
import { Context } from '@temporalio/activity';
import type { SubscriberPayload } from '../../common/subscriber-contract';

/** One line per call, ids only: what the tests count to prove each event arrives once. */
export interface ReceivedLine {
  source: string;
  eventId: string;
  eventType: string;
  outcome: SubscriberPayload['outcome'];
  objectId: string | undefined;
  attempt: number;
}

/**
 * The team's activity, registered on its own task queue under the name the subscription table
 * gives (`receiveStripeEvent`). A real service would write to its own database keyed by `eventId`
 * (deliveries are at least once: a crash after the write and before the acknowledgement repeats it);
 * this one appends to a file so its tests can count every call.
 */
export function createTeamActivities({ receivedFile }: { receivedFile: string }) {
  return {
    async receiveStripeEvent(payload: SubscriberPayload): Promise<{ received: string }> {
      if (payload.version !== 1)
        throw new Error(`unsupported subscriber payload version ${String(payload.version)}`);
      const object = payload.object as { id?: unknown } | null;
      const line: ReceivedLine = {
        source: payload.source,
        eventId: payload.eventId,
        eventType: payload.eventType,
        outcome: payload.outcome,
        objectId: typeof object?.id === 'string' ? object.id : undefined,
        attempt: Context.current().info.attempt,
      };
      await appendFile(receivedFile, `${JSON.stringify(line)}\n`);
      return { received: payload.eventId };
    },
  };
}

import { ApplicationFailure } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import { SUBSCRIBER_PAUSED } from '../common/subscriber-contract';
import type { Database } from '../db/client';
import { subscriberPauses } from '../db/schema';
import { PAUSED_RETRY_DELAY_MS } from './pause';

/**
 * Our side of a subscriber's pause (`ops pause-subscriber`): the delivery workflow runs this on our
 * task queue before it calls the subscriber, so a pause needs nothing from the subscriber's team.
 * While paused it fails with the retryable `SubscriberPaused`, every 5 seconds like a paused handler.
 */
export function createSubscriberPauseActivities({ db }: { db: Database }) {
  return {
    async assertSubscriberNotPaused(subscriber: string): Promise<void> {
      const [pause] = await db
        .select({ reason: subscriberPauses.reason })
        .from(subscriberPauses)
        .where(eq(subscriberPauses.subscriber, subscriber));
      if (!pause) return;
      throw ApplicationFailure.create({
        type: SUBSCRIBER_PAUSED,
        message: `subscriber ${subscriber} is paused: ${pause.reason}`,
        nonRetryable: false,
        nextRetryDelay: PAUSED_RETRY_DELAY_MS,
      });
    },
  };
}

export type SubscriberPauseActivities = ReturnType<typeof createSubscriberPauseActivities>;

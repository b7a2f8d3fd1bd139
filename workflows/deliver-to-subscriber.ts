/**
 * One event to one subscriber (common/subscriber-contract.ts). It runs on our task queue, so it is
 * ours to pause and replay, and calls the subscriber's activity on the subscriber's task queue with
 * the subscriber's own timeout and retry policy: a subscriber that fails, is slow or is down keeps
 * only its own delivery waiting, a pending activity whose id is the subscriber's name.
 */
import { isCancellation, log, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { SubscriberPauseActivities } from '../activities/subscriber-pause';
import { SUBSCRIBER_PAUSED } from '../common/subscriber-contract';
import type {
  DeliverToSubscriber,
  DeliveryResult,
  Subscriber,
  SubscriberPayload,
} from '../common/subscriber-contract';

/** The quick look at the pause table: a marker in the first workflow task, nothing more. */
const localPause = proxyLocalActivities<SubscriberPauseActivities>({
  startToCloseTimeout: '5 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 4,
    maximumAttempts: 3,
    nonRetryableErrorTypes: [SUBSCRIBER_PAUSED],
  },
});

/** Held deliveries wait here, visibly: a pending activity failing with SubscriberPaused every 5 s. */
function pauseActivity(subscriber: string): SubscriberPauseActivities {
  return proxyActivities<SubscriberPauseActivities>({
    activityId: `${subscriber}:pause`,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });
}

async function waitWhilePaused(subscriber: string): Promise<void> {
  try {
    await localPause.assertSubscriberNotPaused(subscriber);
  } catch (err) {
    if (isCancellation(err)) throw err;
    await pauseActivity(subscriber).assertSubscriberNotPaused(subscriber);
  }
}

type SubscriberActivities = Record<string, (payload: SubscriberPayload) => Promise<unknown>>;

function subscriberActivity(subscriber: Subscriber): SubscriberActivities {
  const { retry } = subscriber;
  return proxyActivities<SubscriberActivities>({
    taskQueue: subscriber.taskQueue,
    activityId: subscriber.name,
    startToCloseTimeout: subscriber.startToCloseTimeoutMs,
    ...(subscriber.scheduleToCloseTimeoutMs && {
      scheduleToCloseTimeout: subscriber.scheduleToCloseTimeoutMs,
    }),
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: retry.backoffCoefficient,
      maximumInterval: retry.maximumIntervalMs,
      // 0 in the table means no limit, as in Temporal's own retry policy.
      ...(retry.maximumAttempts > 0 && { maximumAttempts: retry.maximumAttempts }),
      nonRetryableErrorTypes: retry.nonRetryableErrorTypes,
    },
  });
}

export const deliverToSubscriber: DeliverToSubscriber = async ({
  subscriber,
  payload,
}): Promise<DeliveryResult> => {
  await waitWhilePaused(subscriber.name);
  const send = subscriberActivity(subscriber)[subscriber.activity];
  if (!send) throw new Error(`subscriber ${subscriber.name} names no activity`); // unreachable: the proxy answers any name
  await send(payload);
  log.info('delivered to subscriber', {
    subscriber: subscriber.name,
    eventId: payload.eventId,
    eventType: payload.eventType,
  });
  return { subscriber: subscriber.name, eventId: payload.eventId, delivered: true };
};

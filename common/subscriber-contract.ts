/**
 * The contract between this pipeline and the services that subscribe to its events (other teams'
 * Temporal workers on their own task queues). Import `SubscriberPayload` in your activity; it is
 * versioned, and a breaking change gets a new version number rather than a silent change of shape.
 *
 * Pure module: the workflow sandbox imports it too, so no Node built-ins, clients or database here.
 */

/** Version 1 of what a subscriber's activity receives as its only argument. */
export interface SubscriberPayloadV1 {
  version: 1;
  /** `stripe`, or the provider's configured name (`/webhooks/<name>`). */
  source: string;
  /** Stripe's `evt_...`, or the provider's event id. */
  eventId: string;
  eventType: string;
  /** The Connect account the event came from; null for the platform account and for providers. */
  account: string | null;
  /** Stripe: the object as the mirror applied it (as retrieved from the API when re-fetched); a provider: the body. */
  object: unknown;
  /**
   * What the pipeline did before handing you the event: `applied` (the mirror changed), `stale`
   * (the mirror already held newer state: this object is older than what it has), or `recorded`
   * (a provider event, which has no mirror).
   */
  outcome: 'applied' | 'stale' | 'recorded';
}

export type SubscriberPayload = SubscriberPayloadV1;

/** The workflow that delivers one event to one subscriber. */
export const DELIVER_TO_SUBSCRIBER = 'deliverToSubscriber';

/** The activity our worker answers to check a subscriber's pause (`ops pause-subscriber`). */
export const ASSERT_SUBSCRIBER_NOT_PAUSED = 'assertSubscriberNotPaused';

/** Retryable: an operator paused the subscriber; the delivery looks again every few seconds. */
export const SUBSCRIBER_PAUSED = 'SubscriberPaused';

/** Temporal's retry policy fields; the table writes durations as '1 second', parsed to ms at start. */
export interface SubscriberRetryPolicy {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  /** 0: no limit (the delivery retries until the subscriber takes it). */
  maximumAttempts: number;
  nonRetryableErrorTypes: string[];
}

/** One subscriber as the subscription table declares it (common/subscriptions.ts reads it). */
export interface Subscriber {
  name: string;
  /** `stripe`, or a provider's name: whose events it receives. */
  source: string;
  /** Exact types, or prefixes such as `invoice.*`. */
  eventTypes: string[];
  taskQueue: string;
  /** The activity type the subscriber's worker registers on its task queue. */
  activity: string;
  startToCloseTimeoutMs: number;
  /** Optional overall bound across attempts; none by default. */
  scheduleToCloseTimeoutMs: number | undefined;
  retry: SubscriberRetryPolicy;
}

/** The delivery workflow's input: the subscriber as configured when the event was dispatched. */
export interface SubscriberDelivery {
  subscriber: Subscriber;
  payload: SubscriberPayload;
}

export interface DeliveryResult {
  subscriber: string;
  eventId: string;
  delivered: true;
}

export type DeliverToSubscriber = (delivery: SubscriberDelivery) => Promise<DeliveryResult>;

/**
 * `subscriber:<name>:<event workflow id>`: one delivery per subscriber and event, deduped by
 * Temporal like the event itself (`subscriber:billing-emails:evt_1...`, `subscriber:crm:clerk:msg_...`).
 */
export function subscriberWorkflowId(subscriber: string, eventWorkflowId: string): string {
  return `subscriber:${subscriber}:${eventWorkflowId}`;
}

/** Whether `eventType` is one of `patterns` (exact, or a `prefix.*` covering it). */
export function matchesEventType(patterns: readonly string[], eventType: string): boolean {
  return patterns.some((pattern) =>
    pattern.endsWith('.*') ? eventType.startsWith(pattern.slice(0, -1)) : pattern === eventType,
  );
}

/**
 * Hands an event to its subscribers once the mirror's change is committed: one `deliverToSubscriber`
 * workflow per matching subscriber, id `subscriber:<name>:<event workflow id>`, REJECT_DUPLICATE.
 *
 * This runs inside the handler's activity, not in the event workflow, on purpose: the set of
 * subscribers comes from a file that may change between a run and its replay, and deciding it in an
 * activity keeps it out of workflow code (no non-determinism, no patch) and costs the event's own
 * history nothing. Starting by id makes it idempotent: an activity retry, a local activity run twice,
 * `ops replay` and `reapply` all meet the existing delivery and start nothing new.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { DELIVER_TO_SUBSCRIBER, subscriberWorkflowId } from '../common/subscriber-contract';
import type { DeliverToSubscriber, Subscriber, SubscriberPayload } from '../common/subscriber-contract';
import { subscribersFor } from '../common/subscriptions';

export interface SubscriberDispatcher {
  /**
   * Starts a delivery for every subscriber of the payload's source and type; resolves with their
   * names (started now or earlier). Throws when Temporal refuses a start: the activity retries.
   */
  dispatch(
    eventWorkflowId: string,
    payload: SubscriberPayload,
    searchAttributes?: SearchAttributePair[],
  ): Promise<string[]>;
}

export interface SubscriberDispatcherOptions {
  client: Client;
  /** Our own task queue: the delivery workflows run in our worker, their activity in the subscriber's. */
  taskQueue: string;
  subscribers: readonly Subscriber[];
}

export function createSubscriberDispatcher({
  client,
  taskQueue,
  subscribers,
}: SubscriberDispatcherOptions): SubscriberDispatcher {
  async function start(
    subscriber: Subscriber,
    eventWorkflowId: string,
    payload: SubscriberPayload,
    searchAttributes: SearchAttributePair[],
  ): Promise<void> {
    try {
      await client.workflow.start<DeliverToSubscriber>(DELIVER_TO_SUBSCRIBER, {
        workflowId: subscriberWorkflowId(subscriber.name, eventWorkflowId),
        taskQueue,
        args: [{ subscriber, payload }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: searchAttributes,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  return {
    async dispatch(eventWorkflowId, payload, searchAttributes = []) {
      const matching = subscribersFor(subscribers, payload.source, payload.eventType);
      await Promise.all(
        matching.map((subscriber) => start(subscriber, eventWorkflowId, payload, searchAttributes)),
      );
      return matching.map((subscriber) => subscriber.name);
    },
  };
}

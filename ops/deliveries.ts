import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { Subscriber } from '../common/subscriber-contract';
import { subscriberWorkflowId } from '../common/subscriber-contract';
import { subscribersFor } from '../common/subscriptions';
import { pendingActivityOf } from './pending';
import type { PendingActivity } from './pending';

export interface DeliveryStatus {
  subscriber: string;
  workflowId: string;
  /** RUNNING, COMPLETED, FAILED, ...; `not started` when no delivery exists (yet, or any more). */
  status: string;
  pendingActivity: PendingActivity | undefined;
}

/**
 * Each subscriber's delivery of one event: the ones the event's result names (dispatched), and the
 * ones SUBSCRIPTIONS_FILE matches (a running event has dispatched nothing yet). One describe each.
 */
export async function deliveriesOf(
  client: Client,
  eventWorkflowId: string,
  dispatched: readonly string[],
  table: { subscribers: readonly Subscriber[]; source: string; eventType: string | undefined },
): Promise<DeliveryStatus[]> {
  const matching = table.eventType
    ? subscribersFor(table.subscribers, table.source, table.eventType).map((subscriber) => subscriber.name)
    : [];
  const names = [...new Set([...dispatched, ...matching])];
  return Promise.all(
    names.map(async (subscriber): Promise<DeliveryStatus> => {
      const workflowId = subscriberWorkflowId(subscriber, eventWorkflowId);
      try {
        const description = await client.workflow.getHandle(workflowId).describe();
        return {
          subscriber,
          workflowId,
          status: description.status.name,
          pendingActivity: await pendingActivityOf(client, description),
        };
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        return { subscriber, workflowId, status: 'not started', pendingActivity: undefined };
      }
    }),
  );
}

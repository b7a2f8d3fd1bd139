/**
 * Starts a provider event's workflow: id `<provider>:<event id>`, the same dedupe policy and
 * bounded deadline as the Stripe starter (common/event-starter.ts), and the same three classes of
 * refusal, so the ingress answers both the same way. Kept apart from the Stripe starter because
 * that one's start is typed against processStripeEvent and carries the Stripe search attributes.
 */
import type { Client } from '@temporalio/client';
import { PROCESS_PROVIDER_EVENT, providerWorkflowId } from './provider-event';
import type { ProcessProviderEvent, ProviderEvent } from './provider-event';
import { createBoundedCalls, startOutcome } from './bounded-start';

export interface ProviderEventStarter {
  /** Rejects with TemporalUnavailable, TemporalRateLimited or EventRefusedByTemporal. */
  start(event: ProviderEvent): Promise<'started' | 'duplicate'>;
  /** Resolves once every call we stopped waiting for has settled: then the connection may close. */
  drain(): Promise<void>;
}

export function createProviderEventStarter(
  client: Client,
  { taskQueue, startTimeoutMs }: { taskQueue: string; startTimeoutMs: number },
): ProviderEventStarter {
  const calls = createBoundedCalls(client, startTimeoutMs);
  return {
    start(event) {
      const workflowId = providerWorkflowId(event.provider, event.id);
      return startOutcome(
        () =>
          calls.run(() =>
            client.workflow.start<ProcessProviderEvent>(PROCESS_PROVIDER_EVENT, {
              workflowId,
              taskQueue,
              args: [event],
              workflowIdReusePolicy: 'REJECT_DUPLICATE',
              workflowIdConflictPolicy: 'FAIL',
            }),
          ),
        `workflow ${workflowId} on task queue ${taskQueue}`,
      );
    },
    drain: () => calls.drain(),
  };
}

/**
 * Starts a provider event's workflow: id `<provider>:<event id>`, the same dedupe policy and
 * bounded deadline as the Stripe starter (common/event-starter.ts), and the same three classes of
 * refusal, so the ingress answers both the same way. Kept apart from the Stripe starter because
 * that one's start is typed against processStripeEvent and carries the Stripe search attributes.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { PROCESS_PROVIDER_EVENT, providerWorkflowId } from './provider-event';
import type { ProcessProviderEvent, ProviderEvent } from './provider-event';
import { classifyStartError, TemporalUnavailable } from './start-errors';

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
  const inFlight = new Set<Promise<unknown>>();

  /** Stops waiting at the deadline: the SDK's own retries of UNAVAILABLE would overshoot it. */
  async function withinDeadline<T>(work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + startTimeoutMs;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new TemporalUnavailable(`Temporal did not answer within ${startTimeoutMs} ms`));
      }, startTimeoutMs);
    });
    const call = client.withAbortSignal(controller.signal, () => client.withDeadline(deadline, work));
    const settled: Promise<unknown> = call.catch(() => undefined).finally(() => inFlight.delete(settled));
    inFlight.add(settled);
    try {
      return await Promise.race([call, expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async start(event) {
      const workflowId = providerWorkflowId(event.provider, event.id);
      try {
        await withinDeadline(() =>
          client.workflow.start<ProcessProviderEvent>(PROCESS_PROVIDER_EVENT, {
            workflowId,
            taskQueue,
            args: [event],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            workflowIdConflictPolicy: 'FAIL',
          }),
        );
        return 'started';
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
        if (err instanceof TemporalUnavailable) throw err;
        throw classifyStartError(err, `workflow ${workflowId} on task queue ${taskQueue}`);
      }
    },
    async drain() {
      await Promise.all(inFlight);
    },
  };
}

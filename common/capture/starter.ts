import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { searchAttributesFor } from '../search-attributes';
import { classifyStartError, TemporalUnavailable } from '../start-errors';
import { APPLY_CAPTURED_OBJECT, capturedEvent, captureWorkflowId } from './contract';
import type { ApplyCapturedObject, CapturedObject } from './contract';

export interface CaptureStarter {
  /** Rejects with TemporalUnavailable, TemporalRateLimited or EventRefusedByTemporal (start-errors.ts). */
  start(capture: CapturedObject): Promise<'started' | 'duplicate'>;
  /** Resolves once every start, including those we stopped waiting for, has settled. */
  drain(): Promise<void>;
}

/**
 * Starts a capture's workflow under a deadline. Like the event starter, it stops waiting when the
 * time is up rather than trusting the gRPC deadline (the SDK retries UNAVAILABLE with backoff),
 * and keeps the abandoned call so the connection is closed only after it settled.
 */
export function createCaptureStarter(
  client: Client,
  { taskQueue, startTimeoutMs }: { taskQueue: string; startTimeoutMs: number },
): CaptureStarter {
  const inFlight = new Set<Promise<unknown>>();

  async function start(capture: CapturedObject): Promise<'started' | 'duplicate'> {
    const workflowId = captureWorkflowId(capture.requestId);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new TemporalUnavailable(`Temporal did not answer within ${startTimeoutMs} ms`));
      }, startTimeoutMs);
    });
    const call = client.withAbortSignal(controller.signal, () =>
      client.withDeadline(Date.now() + startTimeoutMs, () =>
        client.workflow.start<ApplyCapturedObject>(APPLY_CAPTURED_OBJECT, {
          workflowId,
          taskQueue,
          args: [capture],
          // One API call, one capture: a second start of the same call is a duplicate.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'FAIL',
          typedSearchAttributes: searchAttributesFor(capturedEvent(capture)),
        }),
      ),
    );
    const settled: Promise<unknown> = call.catch(() => undefined).finally(() => inFlight.delete(settled));
    inFlight.add(settled);
    try {
      await Promise.race([call, expired]);
      return 'started';
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
      if (err instanceof TemporalUnavailable) throw err;
      throw classifyStartError(err, `workflow ${workflowId} on task queue ${taskQueue}`);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    start,
    async drain() {
      await Promise.all(inFlight);
    },
  };
}

import type { Client } from '@temporalio/client';
import { searchAttributesFor } from '../search-attributes';
import { createBoundedCalls, startOutcome } from '../bounded-start';
import { APPLY_CAPTURED_OBJECT, capturedEvent, captureWorkflowId } from './contract';
import type { ApplyCapturedObject, CapturedObject } from './contract';

export interface CaptureStarter {
  /** Rejects with TemporalUnavailable, TemporalRateLimited or EventRefusedByTemporal (start-errors.ts). */
  start(capture: CapturedObject): Promise<'started' | 'duplicate'>;
  /** Resolves once every start, including those we stopped waiting for, has settled. */
  drain(): Promise<void>;
}

/** Starts a capture's workflow under a deadline, like every starter (common/bounded-start.ts). */
export function createCaptureStarter(
  client: Client,
  { taskQueue, startTimeoutMs }: { taskQueue: string; startTimeoutMs: number },
): CaptureStarter {
  const calls = createBoundedCalls(client, startTimeoutMs);
  return {
    start(capture) {
      const workflowId = captureWorkflowId(capture.requestId);
      return startOutcome(
        () =>
          calls.run(() =>
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
        `workflow ${workflowId} on task queue ${taskQueue}`,
      );
    },
    drain: () => calls.drain(),
  };
}

/**
 * Test-only workflow interceptor: fails the workflow task in which a handler first applied its
 * event (alreadyRecorded false), after the local activity has returned and before the task
 * completes. That is what a worker crash or a lost task completion does: the server never records
 * the local activity's marker, so the retried task runs the handler again. A plain Error from
 * workflow code fails the task, not the workflow.
 */
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import type { ProcessResult } from '../../../common/event-workflow';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        const result = (await next(input)) as ProcessResult;
        if (result.alreadyRecorded === false)
          throw new Error('test: the workflow task is lost after the handler ran');
        return result;
      },
    },
  ],
});

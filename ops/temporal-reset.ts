import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import Long from 'long';

const EventType = temporal.api.enums.v1.EventType;

export interface ResetResult {
  workflowId: string;
  /** The run that was reset (it ends, terminated if it was still running). */
  previousRunId: string;
  newRunId: string;
  /** The history event the new run starts after. */
  resetEventId: number;
  /** The same reset with the Temporal CLI. */
  command: string;
}

/** A value inside a visibility query or a shell command, quoted. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_.:/=@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function queryString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** What `temporal workflow reset --type FirstWorkflowTask` does, for the operator to copy. */
export function resetCommand(client: Client, workflowId: string, reason: string, address?: string): string {
  const namespace = client.options.namespace;
  return [
    'temporal workflow reset',
    ...(address ? [`--address ${shellQuote(address)}`] : []),
    ...(namespace !== 'default' ? [`--namespace ${shellQuote(namespace)}`] : []),
    `--workflow-id ${shellQuote(workflowId)}`,
    '--type FirstWorkflowTask',
    `--reason ${shellQuote(reason)}`,
  ].join(' ');
}

/**
 * The reset point of `temporal workflow reset --type FirstWorkflowTask`, as the CLI finds it: the
 * first WorkflowTaskCompleted event, or, when no workflow task completed yet, the one after the
 * first WorkflowTaskScheduled (its Started event).
 */
async function firstWorkflowTaskEventId(client: Client, workflowId: string, runId: string): Promise<number> {
  let nextPageToken: Uint8Array | undefined;
  let fallback: number | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId, runId },
      maximumPageSize: 100,
      nextPageToken,
    });
    for (const event of page.history?.events ?? []) {
      const id = Long.fromValue(event.eventId ?? 0).toNumber();
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) return id;
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) fallback ??= id + 1;
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  if (fallback === undefined)
    throw new Error(`${workflowId} (run ${runId}) has no workflow task to reset to`);
  return fallback;
}

/**
 * `temporal workflow reset --type FirstWorkflowTask` through the WorkflowService API: a new run of
 * the same workflow id, with the same input, from its first workflow task. The current run, if
 * still running, is terminated by the reset.
 */
export async function resetToFirstWorkflowTask(
  client: Client,
  workflowId: string,
  reason: string,
  runId?: string,
): Promise<ResetResult> {
  const previousRunId = runId ?? (await client.workflow.getHandle(workflowId).describe()).runId;
  const resetEventId = await firstWorkflowTaskEventId(client, workflowId, previousRunId);
  const response = await client.workflowService.resetWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId, runId: previousRunId },
    reason,
    workflowTaskFinishEventId: Long.fromNumber(resetEventId),
    // Retrying the call with the same id cannot reset twice.
    requestId: randomUUID(),
  });
  return {
    workflowId,
    previousRunId,
    newRunId: response.runId ?? '',
    resetEventId,
    command: resetCommand(client, workflowId, reason),
  };
}

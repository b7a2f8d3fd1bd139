import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { HANDLER_PAUSED } from '../activities/pause';
import { THIN_EVENT_NEEDS_API_KEY } from '../activities/thin-events';
import { failureMessage } from '../common/failure-message';
import { SUBSCRIBER_PAUSED } from '../common/subscriber-contract';

const PendingActivityState = temporal.api.enums.v1.PendingActivityState;

/**
 * - failing: the handler has failed at least once and is waiting for its next attempt (or in it);
 * - paused: it fails because an operator paused the handler (`pause-handler`) or, for a delivery,
 *   the subscriber (`pause-subscriber`);
 * - needs-api-key: a thin event waits for a worker with STRIPE_API_KEY to retrieve its object;
 * - running: first attempt in progress or scheduled, nothing wrong yet.
 */
export type PendingState = 'failing' | 'paused' | 'needs-api-key' | 'running';

export interface PendingActivity {
  activityType: string;
  /** A delivery's activity id is the subscriber's name (`<name>:pause` while it is held). */
  activityId: string;
  state: PendingState;
  attempt: number;
  lastFailureType: string | undefined;
  lastFailureMessage: string | undefined;
  lastStartedAt: Date | undefined;
  nextAttemptAt: Date | undefined;
}

export interface PendingWorkflowTask {
  attempt: number;
}

/** The pending activity, its last failure decoded with the client's keys (messages are encrypted). */
export async function pendingActivityOf(
  client: Client,
  description: WorkflowExecutionDescription,
): Promise<PendingActivity | undefined> {
  const [pending] = description.raw.pendingActivities ?? [];
  if (!pending) return undefined;
  const failure = pending.lastFailure ?? undefined;
  // An ActivityFailure wraps the handler's ApplicationFailure; the type is on whichever carries it.
  const failureType =
    failure?.applicationFailureInfo?.type ?? failure?.cause?.applicationFailureInfo?.type ?? undefined;
  const attempt = pending.attempt ?? 1;
  const state: PendingState =
    failureType === HANDLER_PAUSED || failureType === SUBSCRIBER_PAUSED
      ? 'paused'
      : failureType === THIN_EVENT_NEEDS_API_KEY
        ? 'needs-api-key'
        : failure || attempt > 1 || pending.state === PendingActivityState.PENDING_ACTIVITY_STATE_PAUSED
          ? 'failing'
          : 'running';
  return {
    activityType: pending.activityType?.name ?? 'unknown',
    activityId: pending.activityId ?? '',
    state,
    attempt,
    lastFailureType: failureType ?? undefined,
    lastFailureMessage: await failureMessage(client, failure),
    lastStartedAt: optionalTsToDate(pending.lastStartedTime),
    nextAttemptAt: optionalTsToDate(pending.nextAttemptScheduleTime),
  };
}

/** A workflow task failing over and over (non-determinism, a bug in workflow code). */
export function failingWorkflowTaskOf(
  description: WorkflowExecutionDescription,
): PendingWorkflowTask | undefined {
  const attempt = description.raw.pendingWorkflowTask?.attempt ?? 0;
  return attempt > 1 ? { attempt } : undefined;
}

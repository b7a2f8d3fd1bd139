import { ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Client, ScheduleOptionsStartWorkflowAction, ScheduleUpdateOptions } from '@temporalio/client';
import { DEFAULT_RECONCILE_INPUT } from '../activities/reconcile';
import type { ReconcileInput } from '../activities/reconcile';
import { RECONCILE_WITH_STRIPE } from '../common/event-workflow';
import type { reconcileWithStripe } from '../workflows';

/** One schedule per task queue, so several pipelines can share a namespace (the tests do). */
export function reconcileScheduleId(taskQueue: string): string {
  return `stripe-reconcile-${taskQueue}`;
}

export interface ReconcileScheduleOptions {
  taskQueue: string;
  /** STRIPE_RECONCILE_INTERVAL_MINUTES × 60; tests use a few seconds. */
  intervalSeconds: number;
  input?: Partial<ReconcileInput>;
}

/**
 * Creates the reconcile schedule, or brings an existing one to this configuration: every worker
 * calls it at start, so replicas starting together and restarts with a new interval both converge
 * on one schedule. A pass still running when the next is due makes that one skip.
 */
export async function ensureReconcileSchedule(
  client: Client,
  { taskQueue, intervalSeconds, input }: ReconcileScheduleOptions,
): Promise<string> {
  const scheduleId = reconcileScheduleId(taskQueue);
  const action: ScheduleOptionsStartWorkflowAction<typeof reconcileWithStripe> = {
    type: 'startWorkflow',
    workflowType: RECONCILE_WITH_STRIPE,
    workflowId: `stripe-reconcile-${taskQueue}`,
    taskQueue,
    args: [{ ...DEFAULT_RECONCILE_INPUT, ...input }],
  };
  const spec = { intervals: [{ every: `${intervalSeconds}s` }] };
  const policies = {
    overlap: ScheduleOverlapPolicy.SKIP,
    catchupWindow: `${Math.max(intervalSeconds, 60)}s`,
  };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule
      .getHandle(scheduleId)
      .update((previous): ScheduleUpdateOptions => ({ ...previous, spec, action, policies }));
  }
  return scheduleId;
}

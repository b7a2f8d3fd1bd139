import { Client, Connection, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { ScheduleOptionsAction, ScheduleUpdateOptions } from '@temporalio/client';
import { DEFAULT_RECONCILE_INPUT } from '../activities/reconcile';
import type { ReconcileInput } from '../activities/reconcile';
import type { StripeApiConfig, TemporalConfig } from '../common/config';
import { logger } from '../common/logger';
import { createStripeApi } from '../common/stripe-api';
import type { StripeApi } from '../common/stripe-api';

// A string, not an import from workflows/: only the worker loads workflow code.
export const RECONCILE_WORKFLOW_TYPE = 'reconcileWithStripe';

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
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: RECONCILE_WORKFLOW_TYPE,
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

export interface StripeServices {
  stripeApi: StripeApi;
  /** The client the reconcile activity starts missed events with. */
  client: Client;
  scheduleId: string;
  close(): Promise<void>;
}

/**
 * What a worker with STRIPE_API_KEY adds: the API client (re-fetch, reconciliation), a Temporal
 * client for the reconcile activity, and the reconcile schedule. Shared by worker/main.ts and
 * `npm start`; returns undefined without an API key.
 */
export async function startStripeServices(
  config: StripeApiConfig | undefined,
  temporal: TemporalConfig,
  intervalSeconds: number,
): Promise<StripeServices | undefined> {
  if (!config) return undefined;
  const connection = await Connection.connect({ address: temporal.address });
  try {
    const client = new Client({ connection, namespace: temporal.namespace });
    const scheduleId = await ensureReconcileSchedule(client, {
      taskQueue: temporal.taskQueue,
      intervalSeconds,
    });
    logger.info({ scheduleId, intervalSeconds }, 'reconcile schedule ready');
    return { stripeApi: createStripeApi(config), client, scheduleId, close: () => connection.close() };
  } catch (err) {
    await connection.close();
    throw err;
  }
}

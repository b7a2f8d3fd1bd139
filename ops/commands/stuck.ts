import { WorkflowNotFoundError } from '@temporalio/client';
import { StripeEventType } from '../../common/search-attributes';
import { mapWithConcurrency } from '../../common/concurrency';
import { PROCESS_STRIPE_EVENT } from '../../common/event-workflow';
import { DELIVER_TO_SUBSCRIBER } from '../../common/subscriber-contract';
import type { Ops } from '../context';
import { ago, table, truncate, UsageError } from '../format';
import { failingWorkflowTaskOf, pendingActivityOf } from '../pending';
import type { PendingState } from '../pending';
import { queryString } from '../temporal-reset';
import { listPauses, renderPauses } from './pause';
import type { HandlerPause } from './pause';
import { listSubscriberPauses, renderSubscriberPauses } from './subscribers';
import type { SubscriberPause } from './subscribers';

/** Describe calls in flight at once: fast on thousands of running events, gentle on the frontend. */
const DESCRIBE_CONCURRENCY = 16;

export interface StuckOptions {
  type?: string | undefined;
  /** Only workflows started more than this many ms ago. */
  olderThanMs?: number | undefined;
  /** Stop after this many running workflows (the newest are left out). */
  limit?: number | undefined;
}

export interface StuckEvent {
  eventId: string;
  eventType: string | undefined;
  startTime: Date;
  /** failing, paused or needs-api-key (a pending activity), or workflow-task (the workflow code itself fails). */
  state: PendingState | 'workflow-task' | 'no-worker';
  activityType: string | undefined;
  attempt: number;
  lastFailureType: string | undefined;
  lastFailureMessage: string | undefined;
  nextAttemptAt: Date | undefined;
  webUi: string;
}

/** A delivery to a subscriber that keeps failing, or is held by a pause (`deliverToSubscriber`). */
export interface StuckDelivery extends StuckEvent {
  subscriber: string;
  /** The delivery's own workflow id, `subscriber:<name>:<event workflow id>`. */
  workflowId: string;
}

export interface StuckReport {
  query: string;
  /** Running workflows the query matched (each described once). */
  running: number;
  /** Running but healthy: first attempt in flight. */
  inProgress: number;
  stuck: StuckEvent[];
  /** From handler_pauses, when DATABASE_URL is set. */
  pausedHandlers: HandlerPause[] | undefined;
  /** The query hit the limit: more running workflows exist. */
  truncated: boolean;
  /** The same for deliveries to subscribers: their query, how many run, and the stuck ones. */
  deliveries: { query: string; running: number; stuck: StuckDelivery[]; truncated: boolean };
  /** From subscriber_pauses, when DATABASE_URL is set. */
  pausedSubscribers: SubscriberPause[] | undefined;
}

/** The visibility query behind `stuck`; also printed so it can be pasted into the Web UI. */
export function stuckQuery(
  taskQueue: string,
  options: StuckOptions,
  now = Date.now(),
  workflowType: string = PROCESS_STRIPE_EVENT,
): string {
  // The task queue scopes it to this pipeline when several share a namespace.
  const clauses = [
    `WorkflowType=${queryString(workflowType)}`,
    `TaskQueue=${queryString(taskQueue)}`,
    'ExecutionStatus="Running"',
  ];
  if (options.type) {
    if (!/^[a-z0-9_.]+$/.test(options.type))
      throw new UsageError(`--type: not an event type: "${options.type}"`);
    clauses.push(`StripeEventType=${queryString(options.type)}`);
  }
  if (options.olderThanMs)
    clauses.push(`StartTime < ${queryString(new Date(now - options.olderThanMs).toISOString())}`);
  return clauses.join(' AND ');
}

/**
 * A subscriber whose worker is down leaves its activity scheduled, not failing: past this, that
 * delivery counts as stuck (`no-worker`).
 */
const NO_WORKER_AFTER_MS = 60_000;

/** Running events whose handler is failing, and deliveries to subscribers that are failing or held. */
export async function findStuck(ops: Ops, options: StuckOptions = {}): Promise<StuckReport> {
  const query = stuckQuery(ops.config.temporal.taskQueue, options);
  const events = await stuckOf(ops, query, options.limit ?? 10_000);
  // Deliveries carry the event's search attributes, so --type and --older-than narrow them too.
  const deliveryQuery = stuckQuery(ops.config.temporal.taskQueue, options, Date.now(), DELIVER_TO_SUBSCRIBER);
  const deliveries = await stuckOf(ops, deliveryQuery, options.limit ?? 10_000, NO_WORKER_AFTER_MS);
  const db = await ops.db();
  return {
    query,
    running: events.running,
    inProgress: events.running - events.stuck.length,
    stuck: events.stuck,
    pausedHandlers: db ? await listPauses(db) : undefined,
    truncated: events.truncated,
    deliveries: {
      query: deliveryQuery,
      running: deliveries.running,
      truncated: deliveries.truncated,
      stuck: deliveries.stuck.map((delivery) => {
        // subscriber:<name>:<event workflow id>; names hold no ':' (common/subscriptions.ts).
        const [, subscriber = '', ...rest] = delivery.eventId.split(':');
        return { ...delivery, workflowId: delivery.eventId, subscriber, eventId: rest.join(':') };
      }),
    },
    pausedSubscribers: db ? await listSubscriberPauses(db) : undefined,
  };
}

/**
 * The running workflows `query` matches whose pending activity is failing or paused, or whose
 * workflow task keeps failing. Visibility narrows it to running workflows (closed ones are never
 * touched, however many), pages through them, and only those are described, a bounded number at a
 * time, to read the pending activity's attempt and last failure.
 */
async function stuckOf(
  ops: Ops,
  query: string,
  limit: number,
  /** Also stuck: an activity no worker has picked up this long after the workflow started. */
  noWorkerAfterMs?: number,
): Promise<{ running: number; stuck: StuckEvent[]; truncated: boolean }> {
  const running: Array<{
    workflowId: string;
    runId: string;
    startTime: Date;
    eventType: string | undefined;
  }> = [];
  let truncated = false;
  for await (const execution of ops.client.workflow.list({ query, pageSize: 1000 })) {
    if (running.length >= limit) {
      truncated = true;
      break;
    }
    running.push({
      workflowId: execution.workflowId,
      runId: execution.runId,
      startTime: execution.startTime,
      eventType: execution.typedSearchAttributes.get(StripeEventType),
    });
  }
  const described = await mapWithConcurrency(running, DESCRIBE_CONCURRENCY, async (execution) => {
    try {
      const description = await ops.client.workflow
        .getHandle(execution.workflowId, execution.runId)
        .describe();
      return {
        execution,
        pending: await pendingActivityOf(ops.client, description),
        workflowTask: failingWorkflowTaskOf(description),
      };
    } catch (err) {
      // Closed between the list and the describe.
      if (err instanceof WorkflowNotFoundError)
        return { execution, pending: undefined, workflowTask: undefined };
      throw err;
    }
  });
  const stuck: StuckEvent[] = [];
  for (const { execution, pending, workflowTask } of described) {
    const base = {
      eventId: execution.workflowId,
      eventType: execution.eventType,
      startTime: execution.startTime,
      webUi: ops.workflowUrl(execution.workflowId),
    };
    const unclaimed =
      noWorkerAfterMs !== undefined &&
      pending?.state === 'running' &&
      pending.lastStartedAt === undefined &&
      Date.now() - execution.startTime.getTime() > noWorkerAfterMs;
    if (unclaimed) {
      stuck.push({
        ...base,
        state: 'no-worker',
        activityType: pending.activityType,
        attempt: pending.attempt,
        lastFailureType: undefined,
        lastFailureMessage: `no worker has taken ${pending.activityType} from its task queue yet`,
        nextAttemptAt: undefined,
      });
    } else if (pending && pending.state !== 'running') {
      stuck.push({
        ...base,
        state: pending.state,
        activityType: pending.activityType,
        attempt: pending.attempt,
        lastFailureType: pending.lastFailureType,
        lastFailureMessage: pending.lastFailureMessage,
        nextAttemptAt: pending.nextAttemptAt,
      });
    } else if (workflowTask) {
      stuck.push({
        ...base,
        state: 'workflow-task',
        activityType: undefined,
        attempt: workflowTask.attempt,
        lastFailureType: undefined,
        lastFailureMessage: 'the workflow task keeps failing: see the worker log or the Web UI',
        nextAttemptAt: undefined,
      });
    }
  }
  stuck.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  return { running: running.length, stuck, truncated };
}

export function renderStuck(report: StuckReport): string {
  const lines = [
    `${report.stuck.length} stuck of ${report.running} running${report.truncated ? ' (limit reached: more are running)' : ''}; query: ${report.query}`,
  ];
  if (report.stuck.length > 0) {
    lines.push(
      '',
      table(
        ['EVENT', 'TYPE', 'AGE', 'STATE', 'HANDLER', 'ATTEMPT', 'LAST ERROR'],
        report.stuck.map((event) => [
          event.eventId,
          event.eventType,
          ago(event.startTime)?.replace(' ago', ''),
          event.state,
          event.activityType,
          event.attempt,
          truncate(event.lastFailureMessage, 90),
        ]),
      ),
    );
  }
  if (report.pausedHandlers) lines.push('', renderPauses(report.pausedHandlers));
  const deliveries = report.deliveries;
  lines.push(
    '',
    `${deliveries.stuck.length} stuck of ${deliveries.running} running deliveries to subscribers${deliveries.truncated ? ' (limit reached)' : ''}; query: ${deliveries.query}`,
  );
  if (deliveries.stuck.length > 0) {
    lines.push(
      '',
      table(
        ['EVENT', 'TYPE', 'SUBSCRIBER', 'AGE', 'STATE', 'ACTIVITY', 'ATTEMPT', 'LAST ERROR'],
        deliveries.stuck.map((delivery) => [
          delivery.eventId,
          delivery.eventType,
          delivery.subscriber,
          ago(delivery.startTime)?.replace(' ago', ''),
          delivery.state,
          delivery.activityType,
          delivery.attempt,
          truncate(delivery.lastFailureMessage, 80),
        ]),
      ),
    );
  }
  if (report.pausedSubscribers) lines.push('', renderSubscriberPauses(report.pausedSubscribers));
  return lines.join('\n');
}

/**
 * What an event costs in Temporal Cloud: the histories of a sample of the fixed phase's workflows,
 * read back, and their billable Actions counted by Temporal Cloud's published rules
 * (https://docs.temporal.io/cloud/actions): a workflow start 1; each activity scheduled 1 and each
 * retry 1 (ActivityTaskStarted.attempt − 1); the local activities of one workflow task 1 together,
 * plus their retries (WorkflowTaskCompleted's metering metadata); each UpsertWorkflowSearchAttributes
 * 1 unless it only sets TemporalChangeVersion; each timer 1; each signal 1. Workflow tasks and
 * version (patch) markers cost nothing. This is the estimate the Cloud UI shows next to a history;
 * a query, or an Action that leaves no history event, is not in it (the ingress makes neither).
 */
import { temporal } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import { loadTemporalConfig } from '../../common/temporal-config';
import { connectClient } from '../../common/temporal-connection';
import { round } from './stats';

/**
 * Temporal Cloud's Pay-As-You-Go price per million Actions, first tier (the first 5M a month; the
 * Developer plan pays it at every volume, Business and above get volume discounts down to $25 over
 * 100M). From https://docs.temporal.io/cloud/pricing ("Action pricing": "Actions pricing starts at
 * $50 per million Actions"), source temporalio/documentation docs/evaluate/cloud/pricing.mdx at
 * commit 0217b7180e97a893b2f723981b8a0b299b24ed3a, read 2026-12-03. Plan fees and storage are extra.
 */
export const TEMPORAL_CLOUD_USD_PER_MILLION_ACTIONS = 50;

const { EventType } = temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
const CHANGE_VERSION_ATTRIBUTE = 'TemporalChangeVersion';

export interface ActionCounts {
  start: number;
  activities: number;
  localActivities: number;
  upserts: number;
  timers: number;
  signals: number;
}

const noActions = (): ActionCounts => ({
  start: 0,
  activities: 0,
  localActivities: 0,
  upserts: 0,
  timers: 0,
  signals: 0,
});

/** Billable Actions of one workflow's history, by kind. */
export function billableActions(events: HistoryEvent[]): ActionCounts {
  const counts = noActions();
  const tasksWithLocalActivities = new Set<string>();
  for (const event of events) {
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        counts.start += 1;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        counts.activities += 1;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        counts.activities += Math.max(0, (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
        break;
      case EventType.EVENT_TYPE_MARKER_RECORDED: {
        const marker = event.markerRecordedEventAttributes;
        if (marker?.markerName === LOCAL_ACTIVITY_MARKER)
          tasksWithLocalActivities.add(String(marker.workflowTaskCompletedEventId ?? event.eventId));
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        counts.localActivities += Number(
          event.workflowTaskCompletedEventAttributes?.meteringMetadata
            ?.nonfirstLocalActivityExecutionAttempts ?? 0,
        );
        break;
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const fields = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
        const keys = Object.keys(fields ?? {});
        if (keys.some((key) => key !== CHANGE_VERSION_ATTRIBUTE)) counts.upserts += 1;
        break;
      }
      case EventType.EVENT_TYPE_TIMER_STARTED:
        counts.timers += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        counts.signals += 1;
        break;
    }
  }
  counts.localActivities += tasksWithLocalActivities.size;
  return counts;
}

export interface TemporalActions {
  /** Histories read back. */
  workflows: number;
  actionsPerEvent: number;
  byKindPerEvent: ActionCounts;
  historyEventsPerEvent: number;
  /** WorkflowTaskStarted events: tasks a worker ran (they are not billed, but cost CPU everywhere). */
  workflowTasksPerEvent: number;
  usdPerMillionActions: number;
  /** actionsPerEvent × the price: what a million Stripe events cost in Actions. */
  usdPerMillionEvents: number;
}

async function readHistories(client: Client, workflowIds: string[]): Promise<HistoryEvent[][]> {
  const histories: HistoryEvent[][] = [];
  for (const workflowId of workflowIds) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    histories.push(history.events ?? []);
  }
  return histories;
}

export function summariseActions(histories: HistoryEvent[][]): TemporalActions {
  const n = Math.max(1, histories.length);
  const total = noActions();
  let historyEvents = 0;
  let workflowTasks = 0;
  for (const events of histories) {
    const counts = billableActions(events);
    for (const kind of Object.keys(total) as (keyof ActionCounts)[]) total[kind] += counts[kind];
    historyEvents += events.length;
    workflowTasks += events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED).length;
  }
  const byKindPerEvent = Object.fromEntries(
    Object.entries(total).map(([kind, count]) => [kind, round(count / n, 2)]),
  ) as unknown as ActionCounts;
  const actions = (Object.keys(total) as (keyof ActionCounts)[]).reduce((sum, kind) => sum + total[kind], 0);
  const actionsPerEvent = round(actions / n, 2);
  return {
    workflows: histories.length,
    actionsPerEvent,
    byKindPerEvent,
    historyEventsPerEvent: round(historyEvents / n, 2),
    workflowTasksPerEvent: round(workflowTasks / n, 2),
    usdPerMillionActions: TEMPORAL_CLOUD_USD_PER_MILLION_ACTIONS,
    usdPerMillionEvents: round(actionsPerEvent * TEMPORAL_CLOUD_USD_PER_MILLION_ACTIONS, 2),
  };
}

/** Reads `workflowIds`' histories through a client configured like the design's processes. */
export async function measureActions(
  temporalEnv: Record<string, string>,
  workflowIds: string[],
): Promise<TemporalActions> {
  const client = await connectClient(loadTemporalConfig({ ...process.env, ...temporalEnv }));
  try {
    return summariseActions(await readHistories(client, workflowIds));
  } finally {
    await client.connection.close();
  }
}

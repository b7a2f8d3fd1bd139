import { WorkflowNotFoundError } from '@temporalio/client';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { eq } from 'drizzle-orm';
import { StripeEventType, StripeOutcome } from '../../common/search-attributes';
import { handlerPauses, stripeEvents } from '../../db/schema';
import type { ProcessResult } from '../../workflows';
import { routeFor } from '../../common/routing';
import type { Ops } from '../context';
import { deliveriesOf } from '../deliveries';
import type { DeliveryStatus } from '../deliveries';
import { ago, fields, table, truncate, UsageError } from '../format';
import { failingWorkflowTaskOf, pendingActivityOf } from '../pending';
import type { PendingActivity } from '../pending';
import { resetCommand } from '../temporal-reset';
import type { HandlerPause } from './pause';
import { PINNED_STRIPE_API_VERSION } from '../../common/stripe-api';

export type LedgerRow = typeof stripeEvents.$inferSelect;

export interface EventStatus {
  eventId: string;
  /** Temporal knows the workflow (false after the namespace retention, or never received). */
  found: boolean;
  eventType: string | undefined;
  workflow?: {
    status: string;
    runId: string;
    startTime: Date;
    closeTime: Date | undefined;
    historyLength: number;
    /** When this workflow was last reset (replay, reapply, redrive). */
    lastResetTime: Date | undefined;
  };
  /** StripeOutcome: applied, stale, ignored or failed, once the workflow ended. */
  outcome: string | undefined;
  /** The workflow's result when it completed. */
  result?: ProcessResult;
  /** Why the workflow failed or was terminated. */
  closeFailure?: string;
  handler: string | undefined;
  handlerPause: HandlerPause | undefined;
  pendingActivity: PendingActivity | undefined;
  /** Workflow task attempts when the workflow code itself keeps failing. */
  failingWorkflowTaskAttempt: number | undefined;
  /** The ledger row; null: not applied yet; undefined: DATABASE_URL not set. */
  ledger: LedgerRow | null | undefined;
  /** The event's api_version (from the ledger) against the version the SDK pins. */
  apiVersion: { event: string; pinned: string; differs: boolean } | undefined;
  webUi: string;
  replayCommand: string;
  /** Each subscriber's delivery of this event (SUBSCRIPTIONS_FILE and the result's subscribers). */
  deliveries: DeliveryStatus[];
}

async function describe(ops: Ops, eventId: string): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await ops.client.workflow.getHandle(eventId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** The close event's failure message, for a failed or terminated run. */
async function closeFailure(ops: Ops, eventId: string, runId: string): Promise<string | undefined> {
  const { history } = await ops.client.workflowService.getWorkflowExecutionHistoryReverse({
    namespace: ops.client.options.namespace,
    execution: { workflowId: eventId, runId },
    maximumPageSize: 1,
  });
  const last = history?.events?.[0];
  const failure = last?.workflowExecutionFailedEventAttributes?.failure;
  if (failure) {
    const cause = failure.cause?.message ? ` (cause: ${failure.cause.message})` : '';
    return `${failure.message ?? 'failed'}${cause}`;
  }
  const terminated = last?.workflowExecutionTerminatedEventAttributes;
  if (terminated) return `terminated: ${terminated.reason || 'no reason given'}`;
  if (last?.workflowExecutionTimedOutEventAttributes) return 'timed out';
  return undefined;
}

export async function eventStatus(ops: Ops, eventId: string | undefined): Promise<EventStatus> {
  if (!eventId) throw new UsageError('give the event id: status evt_...');
  const description = await describe(ops, eventId);
  const db = await ops.db();
  const ledger = db
    ? ((await db.select().from(stripeEvents).where(eq(stripeEvents.id, eventId)))[0] ?? null)
    : undefined;
  const eventType = description?.typedSearchAttributes.get(StripeEventType) ?? ledger?.type ?? undefined;
  const handler = eventType ? routeFor(eventType) : undefined;
  const handlerPause =
    db && handler
      ? (await db.select().from(handlerPauses).where(eq(handlerPauses.handler, handler)))[0]
      : undefined;
  const status: EventStatus = {
    eventId,
    found: description !== undefined,
    eventType,
    outcome: description?.typedSearchAttributes.get(StripeOutcome) ?? undefined,
    handler,
    handlerPause,
    pendingActivity: description ? await pendingActivityOf(ops.client, description) : undefined,
    failingWorkflowTaskAttempt: description ? failingWorkflowTaskOf(description)?.attempt : undefined,
    ledger,
    apiVersion: ledger?.apiVersion
      ? {
          event: ledger.apiVersion,
          pinned: PINNED_STRIPE_API_VERSION,
          differs: ledger.apiVersion !== PINNED_STRIPE_API_VERSION,
        }
      : undefined,
    webUi: ops.workflowUrl(eventId),
    replayCommand: resetCommand(ops.client, eventId, 'replay'),
    deliveries: [],
  };
  if (!description) return status;
  status.workflow = {
    status: description.status.name,
    runId: description.runId,
    startTime: description.startTime,
    closeTime: description.closeTime,
    historyLength: description.historyLength,
    lastResetTime: optionalTsToDate(description.raw.workflowExtendedInfo?.lastResetTime),
  };
  if (description.status.name === 'COMPLETED') {
    status.result = (await ops.client.workflow
      .getHandle(eventId, description.runId)
      .result()) as ProcessResult;
    status.outcome ??= status.result.outcome;
  } else if (['FAILED', 'TERMINATED', 'TIMED_OUT'].includes(description.status.name)) {
    status.closeFailure = await closeFailure(ops, eventId, description.runId);
  }
  status.deliveries = await deliveriesOf(ops.client, eventId, status.result?.subscribers ?? [], {
    subscribers: ops.config.subscribers,
    source: 'stripe',
    eventType,
  });
  return status;
}

/** The event's api_version, flagged when it is not the one the SDK pins (see activities/api-version.ts). */
function apiVersionNote(apiVersion: string | null): string {
  if (!apiVersion) return '';
  if (apiVersion === PINNED_STRIPE_API_VERSION) return `, api_version ${apiVersion}`;
  return `, api_version ${apiVersion} (differs from the pinned ${PINNED_STRIPE_API_VERSION})`;
}

function ledgerLine(ledger: LedgerRow | null | undefined): string {
  if (ledger === undefined) return 'unknown (set DATABASE_URL)';
  if (ledger === null) return 'no row: not applied';
  return `${ledger.outcome} by ${ledger.handler} at ${ledger.processedAt.toISOString()}${ledger.refetched ? ', re-fetched from the API' : ''}${apiVersionNote(ledger.apiVersion)}`;
}

export function renderStatus(status: EventStatus): string {
  if (!status.found) {
    return fields([
      ['event', status.eventId],
      ['workflow', 'not found in Temporal (never received, or older than the namespace retention)'],
      ['ledger', ledgerLine(status.ledger)],
      ['hint', 'backfill --since <when it happened> --all fetches it again from Stripe (30 days)'],
    ]);
  }
  const workflow = status.workflow;
  const pending = status.pendingActivity;
  return (
    fields([
      ['event', `${status.eventId}  ${status.eventType ?? ''}`],
      [
        'workflow',
        workflow &&
          `${workflow.status}, started ${ago(workflow.startTime)}${workflow.closeTime ? `, closed ${ago(workflow.closeTime)}` : ''}`,
      ],
      [
        'run',
        workflow &&
          `${workflow.runId}${workflow.lastResetTime ? ` (reset ${ago(workflow.lastResetTime)})` : ''}`,
      ],
      ['outcome', status.outcome],
      ['handler', status.handler ?? 'none (the event type is ignored)'],
      [
        'paused',
        status.handlerPause &&
          `yes, since ${status.handlerPause.pausedAt.toISOString()} by ${status.handlerPause.pausedBy ?? '?'}: ${status.handlerPause.reason}`,
      ],
      [
        'result',
        status.result &&
          `${status.result.outcome}${status.result.alreadyRecorded ? ' (already recorded: nothing written again)' : ''}${status.result.refetched ? ' (re-fetched)' : ''}`,
      ],
      ['failure', status.closeFailure],
      [
        'pending',
        pending &&
          `${pending.activityType} ${pending.state}, attempt ${pending.attempt}${pending.nextAttemptAt ? `, next attempt ${pending.nextAttemptAt.toISOString()}` : ''}`,
      ],
      [
        'last error',
        pending?.lastFailureMessage &&
          `${pending.lastFailureType ?? ''} ${pending.lastFailureMessage}`.trim(),
      ],
      [
        'workflow task',
        status.failingWorkflowTaskAttempt && `failing, attempt ${status.failingWorkflowTaskAttempt}`,
      ],
      ['ledger', ledgerLine(status.ledger)],
      ['web ui', status.webUi],
    ]) + renderDeliveries(status.deliveries)
  );
}

function renderDeliveries(deliveries: readonly DeliveryStatus[]): string {
  if (deliveries.length === 0) return '';
  return `\n\nSubscribers:\n${table(
    ['SUBSCRIBER', 'DELIVERY', 'STATE', 'ATTEMPT', 'LAST ERROR'],
    deliveries.map((delivery) => [
      delivery.subscriber,
      delivery.status,
      delivery.pendingActivity?.state,
      delivery.pendingActivity?.attempt,
      truncate(delivery.pendingActivity?.lastFailureMessage, 80),
    ]),
  )}`;
}

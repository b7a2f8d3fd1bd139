import { WorkflowNotFoundError } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { stripeEvents } from '../../db/schema';
import type { ProcessResult } from '../../workflows';
import type { Ops } from '../context';
import { fields, UsageError } from '../format';
import { resetToFirstWorkflowTask } from '../temporal-reset';
import type { ResetResult } from '../temporal-reset';

/**
 * `replay`: `temporal workflow reset --type FirstWorkflowTask`. The new run calls the handler again
 * with the same event; its transaction finds the ledger row and writes nothing (`alreadyRecorded`),
 * so replaying a completed event changes nothing, and a failed or stuck one is applied once.
 *
 * `replay --reapply`: for an event that was applied by a handler with a bug, after the fix. The
 * ledger row is deleted and the workflow reset in one database transaction, so either both happen
 * or neither: the new run's handler waits on the row lock until the delete commits, then applies
 * the event as if for the first time. What it may write is still bounded by the ordering guard:
 * it rewrites the rows this event wrote last (the guard lets an event rewrite its own state), but
 * a row a newer event has written since stays as it is and the event is recorded `stale`. The
 * outbox is unique per (event, kind), so a notification this event already queued is not queued
 * again.
 */
export interface ReplayOptions {
  reason?: string | undefined;
  reapply?: boolean | undefined;
  /** Wait for the new run to finish and return its result (ms); 0 = do not wait. */
  waitMs?: number | undefined;
}

export interface ReplayResult extends ResetResult {
  eventId: string;
  reapply: boolean;
  /** reapply: the ledger row existed and was removed. */
  ledgerRowDeleted: boolean;
  /** The new run's result, when waited for. */
  result?: ProcessResult;
  webUi: string;
}

async function assertKnown(ops: Ops, eventId: string): Promise<void> {
  try {
    await ops.client.workflow.getHandle(eventId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new UsageError(
        `${eventId} is not in Temporal (never received, or older than the namespace retention): ` +
          'backfill --all --since <when it happened> starts it again from Stripe (30 days)',
      );
    }
    throw err;
  }
}

export async function replayEvent(
  ops: Ops,
  eventId: string | undefined,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  if (!eventId) throw new UsageError('give the event id: replay evt_...');
  const reapply = options.reapply === true;
  const reason = options.reason?.trim() || (reapply ? 'ops replay --reapply' : 'ops replay');
  await assertKnown(ops, eventId);
  let ledgerRowDeleted = false;
  let reset: ResetResult;
  if (reapply) {
    const db = await ops.requireDb('replay --reapply');
    reset = await db.transaction(async (tx) => {
      const deleted = await tx
        .delete(stripeEvents)
        .where(eq(stripeEvents.id, eventId))
        .returning({ id: stripeEvents.id });
      ledgerRowDeleted = deleted.length > 0;
      // Inside the transaction: if the reset fails, the row comes back.
      return resetToFirstWorkflowTask(ops.client, eventId, reason);
    });
  } else {
    reset = await resetToFirstWorkflowTask(ops.client, eventId, reason);
  }
  const replayed: ReplayResult = {
    ...reset,
    eventId,
    reapply,
    ledgerRowDeleted,
    webUi: ops.workflowUrl(eventId, reset.newRunId),
  };
  if (options.waitMs) {
    const handle = ops.client.workflow.getHandle(eventId, reset.newRunId);
    replayed.result = (await ops.client.withDeadline(Date.now() + options.waitMs, () =>
      handle.result(),
    )) as ProcessResult;
  }
  return replayed;
}

export function renderReplay(result: ReplayResult): string {
  return fields([
    ['event', result.eventId],
    ['reset', `run ${result.previousRunId} → new run ${result.newRunId} (from event ${result.resetEventId})`],
    [
      'ledger',
      result.reapply
        ? result.ledgerRowDeleted
          ? 'row deleted: the handler applies it again'
          : 'no row to delete'
        : undefined,
    ],
    [
      'result',
      result.result &&
        `${result.result.outcome}${result.result.alreadyRecorded ? ' (already recorded: nothing written again)' : ''}`,
    ],
    ['web ui', result.webUi],
    [
      'same as',
      result.reapply
        ? `psql "$DATABASE_URL" -c "delete from stripe_events where id = '${result.eventId}'" && ${result.command}`
        : result.command,
    ],
  ]);
}

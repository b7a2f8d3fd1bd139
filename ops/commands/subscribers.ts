import os from 'node:os';
import { WorkflowNotFoundError } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { subscriberWorkflowId } from '../../common/subscriber-contract';
import type { Database } from '../../db/client';
import { subscriberPauses } from '../../db/schema';
import type { Ops } from '../context';
import { fields, table, UsageError } from '../format';
import { resetToFirstWorkflowTask } from '../temporal-reset';
import type { ResetResult } from '../temporal-reset';

/**
 * Per-subscriber operations. `pause-subscriber` writes a row in subscriber_pauses, which every
 * delivery checks (in our worker) before it calls the subscriber: that subscriber's deliveries wait
 * while the mirror and every other subscriber go on. `redeliver` resets one delivery workflow, so one
 * event reaches one subscriber again without touching the mirror or the other subscribers.
 */
export type SubscriberPause = typeof subscriberPauses.$inferSelect;

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

function checkSubscriber(ops: Ops, name: string | undefined): string {
  const known = ops.config.subscribers.map((subscriber) => subscriber.name);
  if (!name)
    throw new UsageError(`name the subscriber${known.length > 0 ? `: one of ${known.join(', ')}` : ''}`);
  if (!NAME.test(name)) throw new UsageError(`not a subscriber name: "${name}"`);
  // Without SUBSCRIPTIONS_FILE the CLI cannot check the name; with it, a typo is caught here.
  if (known.length > 0 && !known.includes(name))
    throw new UsageError(
      `no subscriber "${name}" in SUBSCRIPTIONS_FILE: the subscribers are ${known.join(', ')}`,
    );
  return name;
}

export async function listSubscriberPauses(db: Database): Promise<SubscriberPause[]> {
  return db.select().from(subscriberPauses).orderBy(subscriberPauses.subscriber);
}

export interface SubscriberPauseResult {
  subscriber: string;
  paused: boolean;
  /** False when it already was in the requested state. */
  changed: boolean;
  pausedSubscribers: SubscriberPause[];
}

export async function pauseSubscriber(
  ops: Ops,
  name: string | undefined,
  reason?: string,
): Promise<SubscriberPauseResult> {
  const subscriber = checkSubscriber(ops, name);
  const db = await ops.requireDb('pause-subscriber');
  const pausedBy = process.env.USER ?? os.userInfo().username;
  const [existing] = await db
    .select()
    .from(subscriberPauses)
    .where(eq(subscriberPauses.subscriber, subscriber));
  const row = { subscriber, reason: reason?.trim() || 'paused by an operator', pausedBy };
  // A second pause updates the reason but keeps when it began.
  await db
    .insert(subscriberPauses)
    .values(row)
    .onConflictDoUpdate({ target: subscriberPauses.subscriber, set: { reason: row.reason, pausedBy } });
  return { subscriber, paused: true, changed: !existing, pausedSubscribers: await listSubscriberPauses(db) };
}

export async function resumeSubscriber(ops: Ops, name: string | undefined): Promise<SubscriberPauseResult> {
  const subscriber = checkSubscriber(ops, name);
  const db = await ops.requireDb('resume-subscriber');
  const deleted = await db
    .delete(subscriberPauses)
    .where(eq(subscriberPauses.subscriber, subscriber))
    .returning();
  return {
    subscriber,
    paused: false,
    changed: deleted.length > 0,
    pausedSubscribers: await listSubscriberPauses(db),
  };
}

export function renderSubscriberPauses(pauses: readonly SubscriberPause[]): string {
  if (pauses.length === 0) return 'Paused subscribers: none';
  return `Paused subscribers:\n${table(
    ['SUBSCRIBER', 'SINCE', 'BY', 'REASON'],
    pauses.map((pause) => [
      pause.subscriber,
      pause.pausedAt.toISOString(),
      pause.pausedBy ?? '',
      pause.reason,
    ]),
  )}`;
}

export function renderSubscriberPauseResult(result: SubscriberPauseResult): string {
  const verb = result.paused ? 'paused' : 'resumed';
  const head = result.changed
    ? `${result.subscriber} ${verb}.`
    : `${result.subscriber} was already ${result.paused ? 'paused (reason updated)' : 'running'}.`;
  const detail = result.paused
    ? fields([
        [
          'effect',
          'its deliveries wait (activity failing with SubscriberPaused); the mirror and others go on',
        ],
        ['undo', `resume-subscriber ${result.subscriber}`],
      ])
    : fields([['effect', 'held deliveries go out within seconds (next attempt at most 5 s away)']]);
  return `${head}\n${detail}\n\n${renderSubscriberPauses(result.pausedSubscribers)}`;
}

export interface RedeliverResult extends ResetResult {
  eventId: string;
  subscriber: string;
  webUi: string;
}

/**
 * Resets `subscriber:<name>:<event>` to its first workflow task: the same payload, to the same
 * subscriber as recorded when the event was dispatched, honouring a pause. A delivery still running
 * is restarted. The event workflow and the other subscribers' deliveries are not touched.
 */
export async function redeliver(
  ops: Ops,
  eventId: string | undefined,
  name: string | undefined,
  reason?: string,
): Promise<RedeliverResult> {
  if (!eventId) throw new UsageError('give the event id: redeliver evt_... --subscriber <name>');
  const subscriber = checkSubscriber(ops, name);
  const workflowId = subscriberWorkflowId(subscriber, eventId);
  try {
    const reset = await resetToFirstWorkflowTask(
      ops.client,
      workflowId,
      reason?.trim() || `ops redeliver to ${subscriber}`,
    );
    return { ...reset, eventId, subscriber, webUi: ops.workflowUrl(workflowId, reset.newRunId) };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new UsageError(
        `${eventId} was never delivered to ${subscriber} (no workflow ${workflowId}): the subscriber did not match its type when it was processed, or the delivery is older than the namespace retention`,
      );
    throw err;
  }
}

export function renderRedeliver(result: RedeliverResult): string {
  return `${result.eventId} redelivered to ${result.subscriber}.\n${fields([
    ['workflow', result.workflowId],
    ['new run', result.newRunId],
    ['previous run', result.previousRunId],
    ['web ui', result.webUi],
    ['same as', result.command],
  ])}`;
}

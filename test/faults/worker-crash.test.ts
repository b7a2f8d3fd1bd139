/**
 * The worker process dies mid-handler: it reaches Postgres through a proxy the test stalls, so
 * handlers are surely inside their database calls, then it is SIGKILLed, the stall lifted and a
 * new worker process started. Handlers run as local activities inside a started workflow task
 * (version 2), or as regular activities after that (Temporal lists both as started). The abandoned
 * workflow tasks time out (10 s) and the abandoned activities (30 s start-to-close), and they run
 * again on the new worker; everything completes exactly once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startWorkerProcess } from '../helpers/processes';
import { cleanupAfter, describeOutcome, ledgerIds, size, sleep, startFaultStack } from './harness';

const { PENDING_ACTIVITY_STATE_STARTED } = temporal.api.enums.v1.PendingActivityState;
const { PENDING_WORKFLOW_TASK_STATE_STARTED } = temporal.api.enums.v1.PendingWorkflowTaskState;

/**
 * Handlers handed to a worker and not seen to finish, among `candidates` (acknowledged events
 * not yet in the ledger, oldest first: the task queue serves them about in that order): a started
 * workflow task (its local activity inside) or a started regular activity.
 */
async function handlersInFlight(client: Client, candidates: string[]): Promise<number> {
  let started = 0;
  for (const workflowId of candidates.slice(0, 100)) {
    const { raw } = await client.workflow.getHandle(workflowId).describe();
    const activities =
      raw.pendingActivities?.filter((activity) => activity.state === PENDING_ACTIVITY_STATE_STARTED).length ??
      0;
    const task = raw.pendingWorkflowTask?.state === PENDING_WORKFLOW_TASK_STATE_STARTED ? 1 : 0;
    started += activities + task;
  }
  return started;
}

describe('worker crash under load', () => {
  const cleanup = cleanupAfter();

  it('SIGKILLs the worker mid-handler; a new worker completes everything exactly once', async (t) => {
    const stack = await startFaultStack(cleanup, {
      name: 'worker-crash',
      events: size(150, 2000),
      proxy: true,
    });
    const { address, taskQueue, database, client, proxy, sent, handled, applied } = stack;

    const handledIds = new Set(sent.filter(({ kind }) => kind.table).map(({ event }) => event.id));
    const acknowledgedInOrder: string[] = [];
    const crash = (async () => {
      while ((await applied()) < handled / 4) await sleep(50);
      proxy.stall();
      // Let the worker take on more work, all of it now stuck inside a database call.
      await sleep(1000);
      const inLedger = await ledgerIds(database.db);
      const pending = acknowledgedInOrder.filter((id) => !inLedger.has(id) && handledIds.has(id));
      const inFlight = await handlersInFlight(client, pending);
      const appliedAtKill = await applied();
      const killedPid = stack.worker.pid;
      await stack.worker.kill();
      proxy.resume();
      const restartStarted = Date.now();
      // The stack's cleanup stops the replacement; it reaches Postgres directly.
      stack.worker = await startWorkerProcess('worker-crash-2', { address, taskQueue, client }, database.url);
      return { inFlight, appliedAtKill, killedPid, newWorkerReadyMs: Date.now() - restartStarted };
    })();

    const startedAt = Date.now();
    const report = await stack.deliver((attempt) => {
      if (attempt.status === 200) acknowledgedInOrder.push(attempt.eventId);
    });
    const crashed = await crash;
    assert.ok(crashed.inFlight > 0, 'handlers were in flight in the killed worker');
    assert.ok(crashed.appliedAtKill < handled, 'work was left for the new worker');
    const outcome = await stack.assertExactlyOnce({ report, startedAt, settleTimeoutMs: 180_000 });
    t.diagnostic(describeOutcome(outcome, { ...crashed, workerRss: stack.worker.rssBytes() }));
  });
});

/**
 * The worker process dies mid-activity: it reaches Postgres through a proxy the test stalls, so
 * activities are surely inside their database calls (Temporal lists them as started), then it is
 * SIGKILLed, the stall lifted and a new worker process started. The abandoned attempts time out
 * (30 s start-to-close) and run again on the new worker; everything completes exactly once.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createTestDatabase, query } from '../helpers/db';
import { deliverLikeStripe } from '../helpers/load-generator';
import { startIngressProcess, startWorkerProcess } from '../helpers/processes';
import type { ServiceProcess } from '../helpers/processes';
import { startTcpProxy } from '../helpers/tcp-proxy';
import {
  assertExactlyOnce,
  describeOutcome,
  FAULT_SECRET,
  faultEvents,
  size,
  testTemporalAddress,
  uniqueTaskQueue,
} from './harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const { PENDING_ACTIVITY_STATE_STARTED } = temporal.api.enums.v1.PendingActivityState;

/**
 * Activities handed to a worker and not seen to finish, among `candidates` (acknowledged events
 * not yet in the ledger, oldest first: the task queue serves them about in that order).
 */
async function startedActivities(client: Client, candidates: string[]): Promise<number> {
  let started = 0;
  for (const workflowId of candidates.slice(0, 100)) {
    const description = await client.workflow.getHandle(workflowId).describe();
    started +=
      description.raw.pendingActivities?.filter(
        (activity) => activity.state === PENDING_ACTIVITY_STATE_STARTED,
      ).length ?? 0;
  }
  return started;
}

describe('worker crash under load', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('SIGKILLs the worker mid-activity; a new worker completes everything exactly once', async (t) => {
    const address = testTemporalAddress();
    const taskQueue = uniqueTaskQueue('fault-worker');
    const sent = faultEvents(size(150, 2000));
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    const connection = await Connection.connect({ address });
    cleanup.push(() => connection.close());
    const client = new Client({ connection });
    const target = new URL(database.url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanup.push(() => proxy.close());
    const viaProxy = new URL(database.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;

    let worker: ServiceProcess = await startWorkerProcess(
      'worker-crash-1',
      { address, taskQueue, client },
      viaProxy.toString(),
    );
    cleanup.push(() => worker.stop());
    const ingress = await startIngressProcess(
      'ingress-worker-crash',
      { address, taskQueue },
      { secret: FAULT_SECRET },
    );
    cleanup.push(() => ingress.stop());

    const handled = sent.filter(({ kind }) => kind.table !== undefined).length;
    const applied = async () =>
      Number(
        (await query<{ n: number }>(database.db, sql`select count(*)::int as n from stripe_events`))[0]?.n,
      );
    const handledIds = new Set(sent.filter(({ kind }) => kind.table).map(({ event }) => event.id));
    const acknowledgedInOrder: string[] = [];
    const crash = (async () => {
      while ((await applied()) < handled / 4) await sleep(50);
      proxy.stall();
      // Let the worker take on more work, all of it now stuck inside a database call.
      await sleep(1000);
      const inLedger = new Set(
        (await query<{ id: string }>(database.db, sql`select id from stripe_events`)).map((row) => row.id),
      );
      const pending = acknowledgedInOrder.filter((id) => !inLedger.has(id) && handledIds.has(id));
      const inFlight = await startedActivities(client, pending);
      const appliedAtKill = await applied();
      const killedPid = worker.pid;
      await worker.kill();
      proxy.resume();
      const restartStarted = Date.now();
      worker = await startWorkerProcess('worker-crash-2', { address, taskQueue, client }, database.url);
      return { inFlight, appliedAtKill, killedPid, newWorkerReadyMs: Date.now() - restartStarted };
    })();

    const startedAt = Date.now();
    const report = await deliverLikeStripe(
      sent.map(({ event }) => event),
      {
        urls: [ingress.webhookUrl],
        onAttempt: (attempt) => {
          if (attempt.status === 200) acknowledgedInOrder.push(attempt.eventId);
        },
        secret: FAULT_SECRET,
        concurrency: 4,
        spacingMs: 10,
        deadlineMs: 300_000,
      },
    );
    const crashed = await crash;
    assert.ok(crashed.inFlight > 0, 'activities were in flight in the killed worker');
    assert.ok(crashed.appliedAtKill < handled, 'work was left for the new worker');
    const outcome = await assertExactlyOnce({
      db: database.db,
      client,
      taskQueue,
      sent,
      report,
      startedAt,
      settleTimeoutMs: 180_000,
      processes: [worker, ingress],
    });
    t.diagnostic(describeOutcome(outcome, { ...crashed, workerRss: worker.rssBytes() }));
  });
});

/**
 * Temporal dies under load: the test runs its own dev server on a db file, SIGKILLs it once a third
 * of the events are acknowledged, and restarts it on the same file and port after 3 s (`npm test`)
 * or 15 s (`npm run faults`). While it is down the ingress answers 503, never 200; every event
 * acknowledged before the kill survives the kill; every refused event is accepted on a retry.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { freePort, startDevServer } from '../../dev/dev-server';
import type { DevServer } from '../../dev/dev-server';
import { createTestDatabase, query } from '../helpers/db';
import { deliverLikeStripe } from '../helpers/load-generator';
import type { Attempt } from '../helpers/load-generator';
import { startIngressProcess, startWorkerProcess, testLogDir } from '../helpers/processes';
import {
  assertExactlyOnce,
  describeOutcome,
  FAULT_SECRET,
  faultEvents,
  size,
  uniqueTaskQueue,
} from './harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Temporal outage under load', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('SIGKILLs the dev server mid-run and restarts it on the same db file', async (t) => {
    const downMs = size(3_000, 15_000);
    const sent = faultEvents(size(200, 2000));
    const taskQueue = uniqueTaskQueue('fault-temporal');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'stripe-temporal-outage-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const port = await freePort();
    const serverOptions = {
      port,
      dbFilename: path.join(dir, 'temporal.db'),
      logFile: path.join(testLogDir(), `temporal-outage-${port}.log`),
    };
    let server: DevServer = await startDevServer(serverOptions);
    cleanup.push(() => server.stop());
    const address = server.address;
    assert.ok(server.pid, 'the dev server runs as a CLI process this test can kill');

    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    let connection = await Connection.connect({ address });
    cleanup.push(() => connection.close());
    const worker = await startWorkerProcess(
      'worker-temporal-outage',
      { address, taskQueue, client: new Client({ connection }) },
      database.url,
    );
    cleanup.push(() => worker.stop());
    // A short start timeout: the sender should see 503 fast, as Stripe would within its own timeout.
    const ingress = await startIngressProcess(
      'ingress-temporal-outage',
      { address, taskQueue },
      { secret: FAULT_SECRET, startTimeoutMs: 1000 },
    );
    cleanup.push(() => ingress.stop());

    let acknowledged = 0;
    let killedAt = Infinity;
    let restartingAt = Infinity;
    let restartMs = 0;
    const ackedBeforeKill = new Set<string>();
    let killing: Promise<void> | undefined;
    const kill = async () => {
      const pid = server.pid!;
      process.kill(pid, 'SIGKILL');
      // Wait until the process is really gone before calling the server down.
      while (isAlive(pid)) await sleep(20);
      killedAt = Date.now();
      await sleep(downMs);
      restartingAt = Date.now();
      server = await startDevServer(serverOptions);
      restartMs = Date.now() - restartingAt;
    };
    const onAttempt = (attempt: Attempt) => {
      if (attempt.status !== 200) return;
      acknowledged += 1;
      if (killing) return;
      ackedBeforeKill.add(attempt.eventId);
      if (acknowledged >= sent.length / 3) killing = kill();
    };

    const startedAt = Date.now();
    const report = await deliverLikeStripe(
      sent.map(({ event }) => event),
      {
        urls: [ingress.webhookUrl],
        secret: FAULT_SECRET,
        concurrency: 4,
        spacingMs: 10,
        deadlineMs: 300_000,
        onAttempt,
      },
    );
    await killing;

    // While it was down: attempts sent after the kill and answered before the restart began.
    const whileDown = report.attempts.filter((a) => a.sentAt >= killedAt && a.answeredAt < restartingAt);
    const downStatuses = new Set(whileDown.map((a) => `${a.status}:${a.error}`));
    assert.ok(whileDown.length > 0, 'the sender kept delivering during the outage');
    assert.deepEqual([...downStatuses], ['503:temporal_unavailable'], 'only 503 while Temporal is down');
    const restartedAt = restartingAt + restartMs;
    const acksAfterRestart = [...report.acknowledged.values()].filter((at) => at > restartedAt);
    const refused = new Set(report.attempts.filter((a) => a.status === 503).map((a) => a.eventId));

    await connection.close();
    connection = await Connection.connect({ address });
    const client = new Client({ connection });
    const outcome = await assertExactlyOnce({
      db: database.db,
      client,
      taskQueue,
      sent,
      report,
      startedAt,
      processes: [worker, ingress],
    });
    assert.ok(refused.size > 0);
    assert.ok(
      [...refused].every((id) => report.acknowledged.has(id)),
      'every refused event was accepted later',
    );
    const ledger = new Set(
      (await query<{ id: string }>(database.db, sql`select id from stripe_events`)).map((row) => row.id),
    );
    const lost = sent.filter(
      ({ event, kind }) => kind.table && ackedBeforeKill.has(event.id) && !ledger.has(event.id),
    );
    assert.equal(lost.length, 0, 'every event acknowledged before the kill was applied');
    assert.ok(worker.isRunning(), 'the worker rode out the outage');
    t.diagnostic(
      describeOutcome(outcome, {
        downMs,
        ackedBeforeKill: ackedBeforeKill.size,
        answeredWhileDown: whileDown.length,
        refusedEvents: refused.size,
        killedAfterMs: killedAt - startedAt,
        restartMs,
        firstAckAfterRestartMs: Math.min(...acksAfterRestart) - restartedAt,
        lastAckAfterRestartMs: Math.max(...acksAfterRestart) - restartedAt,
      }),
    );
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

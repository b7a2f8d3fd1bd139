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
import { describe, it } from 'node:test';
import { freePort, startDevServer } from '../../dev/dev-server';
import type { DevServer } from '../../dev/dev-server';
import type { Attempt } from '../helpers/load-generator';
import { testLogDir } from '../helpers/processes';
import { cleanupAfter, describeOutcome, ledgerIds, size, sleep, startFaultStack } from './harness';

describe('Temporal outage under load', () => {
  const cleanup = cleanupAfter();

  it('SIGKILLs the dev server mid-run and restarts it on the same db file', async (t) => {
    const downMs = size(3_000, 15_000);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'stripe-temporal-outage-'));
    cleanup.defer(() => rm(dir, { recursive: true, force: true }));
    const port = await freePort();
    const serverOptions = {
      port,
      dbFilename: path.join(dir, 'temporal.db'),
      logFile: path.join(testLogDir(), `temporal-outage-${port}.log`),
    };
    let server: DevServer = await startDevServer(serverOptions);
    cleanup.defer(() => server.stop());
    assert.ok(server.pid, 'the dev server runs as a CLI process this test can kill');

    // A short start timeout: the sender should see 503 fast, as Stripe would within its own timeout.
    const stack = await startFaultStack(cleanup, {
      name: 'temporal-outage',
      events: size(200, 2000),
      address: server.address,
      ingress: { startTimeoutMs: 1000 },
    });
    const { database, worker, sent } = stack;

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
    const report = await stack.deliver(onAttempt);
    await killing;

    // While it was down: attempts sent after the kill and answered before the restart began.
    const whileDown = report.attempts.filter((a) => a.sentAt >= killedAt && a.answeredAt < restartingAt);
    const downStatuses = new Set(whileDown.map((a) => `${a.status}:${a.error}`));
    assert.ok(whileDown.length > 0, 'the sender kept delivering during the outage');
    assert.deepEqual([...downStatuses], ['503:temporal_unavailable'], 'only 503 while Temporal is down');
    const restartedAt = restartingAt + restartMs;
    const acksAfterRestart = [...report.acknowledged.values()].filter((at) => at > restartedAt);
    const refused = new Set(report.attempts.filter((a) => a.status === 503).map((a) => a.eventId));

    await stack.reconnect();
    const outcome = await stack.assertExactlyOnce({ report, startedAt });
    assert.ok(refused.size > 0);
    assert.ok(
      [...refused].every((id) => report.acknowledged.has(id)),
      'every refused event was accepted later',
    );
    const ledger = await ledgerIds(database.db);
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

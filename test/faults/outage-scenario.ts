/**
 * Temporal dies under load, whatever runs it (the dev server in faults/temporal-outage.test.ts,
 * the cluster's temporal-server in cluster/temporal-outage.test.ts): the server is SIGKILLed once a
 * third of the events are acknowledged and started again `downMs` later. While it is down the
 * ingress answers 503, never 200; every event acknowledged before the kill survives it; every
 * refused event is accepted on a retry; and every event is applied exactly once.
 */
import assert from 'node:assert/strict';
import type { Attempt } from '../helpers/load-generator';
import type { FaultStack, Outcome } from './harness';
import { ledgerIds } from './harness';

export interface OutageControl {
  /** SIGKILLs the server; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same state; resolves once it answers. */
  start(): Promise<void>;
}

export interface OutageFigures extends Record<string, unknown> {
  downMs: number;
  ackedBeforeKill: number;
  answeredWhileDown: number;
  refusedEvents: number;
  killedAfterMs: number;
  restartMs: number;
  firstAckAfterRestartMs: number;
  lastAckAfterRestartMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function killTemporalUnderLoad(
  stack: FaultStack,
  server: OutageControl,
  downMs: number,
): Promise<{ outcome: Outcome; figures: OutageFigures }> {
  const { database, worker, sent } = stack;
  let acknowledged = 0;
  let killedAt = Infinity;
  let restartingAt = Infinity;
  let restartMs = 0;
  const ackedBeforeKill = new Set<string>();
  let killing: Promise<void> | undefined;
  const outage = async () => {
    await server.kill();
    killedAt = Date.now();
    await sleep(downMs);
    restartingAt = Date.now();
    await server.start();
    restartMs = Date.now() - restartingAt;
  };
  const onAttempt = (attempt: Attempt) => {
    if (attempt.status !== 200) return;
    acknowledged += 1;
    if (killing) return;
    ackedBeforeKill.add(attempt.eventId);
    if (acknowledged >= sent.length / 3) killing = outage();
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
  return {
    outcome,
    figures: {
      downMs,
      ackedBeforeKill: ackedBeforeKill.size,
      answeredWhileDown: whileDown.length,
      refusedEvents: refused.size,
      killedAfterMs: killedAt - startedAt,
      restartMs,
      firstAckAfterRestartMs: Math.min(...acksAfterRestart) - restartedAt,
      lastAckAfterRestartMs: Math.max(...acksAfterRestart) - restartedAt,
    },
  };
}

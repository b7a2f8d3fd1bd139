/**
 * Postgres goes away under load: the worker process reaches Postgres through a TCP proxy the test
 * cuts (every connection reset, new ones refused) once a quarter of the events are applied, for
 * 5 s (`npm test`) or 20 s (`npm run faults`, 2,000 events). Activities fail, retry with backoff,
 * and every acknowledged event ends up applied exactly once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanupAfter, describeOutcome, size, sleep, startFaultStack } from './harness';

describe('Postgres outage under load', () => {
  const cleanup = cleanupAfter();

  it('cuts the worker off Postgres mid-run; every acknowledged event is applied exactly once', async (t) => {
    const outageMs = size(5_000, 20_000);
    const stack = await startFaultStack(cleanup, { name: 'pg-outage', events: size(200, 2000), proxy: true });
    const { proxy, worker, handled, applied } = stack;

    // The outage starts once a quarter is applied, so it lands in the middle of the worker's run.
    const outage = (async () => {
      while ((await applied()) < handled / 4) await sleep(50);
      const atCut = await applied();
      proxy.cut();
      const resetAtCut = proxy.reset;
      await sleep(outageMs);
      const atRestore = await applied();
      proxy.restore();
      return { atCut, atRestore, resetAtCut, refusedDuringOutage: proxy.reset - resetAtCut };
    })();

    const startedAt = Date.now();
    const report = await stack.deliver();
    const cut = await outage;
    const outcome = await stack.assertExactlyOnce({ report, startedAt });
    t.diagnostic(describeOutcome(outcome, { outageMs, ...cut, workerRss: worker.rssBytes() }));

    assert.ok(cut.resetAtCut > 0, 'the cut reset open worker connections');
    assert.ok(cut.refusedDuringOutage > 0, 'the worker kept trying Postgres during the outage');
    assert.ok(cut.atRestore < handled, 'work was still pending when Postgres came back');
    assert.ok(worker.isRunning(), 'the worker survived the outage');
  });
});

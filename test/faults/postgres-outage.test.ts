/**
 * Postgres goes away under load: the worker process reaches Postgres through a TCP proxy the test
 * cuts (every connection reset, new ones refused) once a quarter of the events are applied, for
 * 5 s (`npm test`) or 20 s (`npm run faults`, 2,000 events). Activities fail, retry with backoff,
 * and every acknowledged event ends up applied exactly once.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { createTestDatabase, query } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { deliverLikeStripe } from '../helpers/load-generator';
import { startIngressProcess, startWorkerProcess } from '../helpers/processes';
import type { ServiceProcess } from '../helpers/processes';
import { startTcpProxy } from '../helpers/tcp-proxy';
import type { TcpProxy } from '../helpers/tcp-proxy';
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

describe('Postgres outage under load', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('cuts the worker off Postgres mid-run; every acknowledged event is applied exactly once', async (t) => {
    const address = testTemporalAddress();
    const taskQueue = uniqueTaskQueue('fault-postgres');
    const outageMs = size(5_000, 20_000);
    const sent = faultEvents(size(200, 2000));

    const database: TestDatabase = await createTestDatabase();
    cleanup.push(() => database.drop());
    const connection = await Connection.connect({ address });
    cleanup.push(() => connection.close());
    const client = new Client({ connection });
    const target = new URL(database.url);
    const proxy: TcpProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanup.push(() => proxy.close());
    const viaProxy = new URL(database.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;

    const worker: ServiceProcess = await startWorkerProcess(
      'worker-pg-outage',
      { address, taskQueue, client },
      viaProxy.toString(),
    );
    cleanup.push(() => worker.stop());
    const ingress = await startIngressProcess(
      'ingress-pg-outage',
      { address, taskQueue },
      { secret: FAULT_SECRET },
    );
    cleanup.push(() => ingress.stop());

    const handled = sent.filter(({ kind }) => kind.table !== undefined).length;
    const applied = async () =>
      Number(
        (await query<{ n: number }>(database.db, sql`select count(*)::int as n from stripe_events`))[0]?.n,
      );
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
    const report = await deliverLikeStripe(
      sent.map(({ event }) => event),
      {
        urls: [ingress.webhookUrl],
        secret: FAULT_SECRET,
        concurrency: 4,
        spacingMs: 10,
        deadlineMs: 300_000,
      },
    );
    const cut = await outage;
    const outcome = await assertExactlyOnce({
      db: database.db,
      client,
      taskQueue,
      sent,
      report,
      startedAt,
      processes: [worker, ingress],
    });
    t.diagnostic(describeOutcome(outcome, { outageMs, ...cut, workerRss: worker.rssBytes() }));

    assert.ok(cut.resetAtCut > 0, 'the cut reset open worker connections');
    assert.ok(cut.refusedDuringOutage > 0, 'the worker kept trying Postgres during the outage');
    assert.ok(cut.atRestore < handled, 'work was still pending when Postgres came back');
    assert.ok(worker.isRunning(), 'the worker survived the outage');
  });
});

/**
 * The combined process (ingress + worker, eager start) dies after acknowledging events whose first
 * workflow task it took for itself in the start response: the events are in Temporal, their tasks
 * are held by a dead process. It reaches Postgres through a proxy the test stalls, so handlers are
 * surely mid-way when it is SIGKILLed. A new combined process on the same port takes the retried
 * deliveries, and the server times the abandoned tasks out and hands them to it: every event is
 * applied exactly once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freePort } from '../../dev/dev-server';
import { createTestDatabase } from '../helpers/db';
import { deliverLikeStripe } from '../helpers/load-generator';
import { startCombinedProcess } from '../helpers/processes';
import type { IngressProcess } from '../helpers/processes';
import {
  appliedCount,
  assertExactlyOnce,
  cleanupAfter,
  connectTestClient,
  describeOutcome,
  FAULT_SECRET,
  faultEvents,
  handledEvents,
  ledgerIds,
  proxiedDatabase,
  size,
  sleep,
  testTemporalAddress,
  uniqueTaskQueue,
} from './harness';

describe('combined process crash after acknowledging', () => {
  const cleanup = cleanupAfter();

  it('SIGKILLs the combined process holding eagerly started tasks; a new one completes everything exactly once', async (t) => {
    const address = testTemporalAddress();
    const taskQueue = uniqueTaskQueue('fault-combined');
    const sent = faultEvents(size(120, 1500));
    const handled = handledEvents(sent);
    const database = await createTestDatabase();
    cleanup.defer(() => database.drop());
    const client = await connectTestClient(cleanup, address);
    const { proxy, url: viaProxy } = await proxiedDatabase(cleanup, database.url);

    const port = await freePort();
    const start = (name: string, databaseUrl: string) =>
      startCombinedProcess(name, { address, taskQueue, client }, databaseUrl, { port, secret: FAULT_SECRET });
    let combined: IngressProcess = await start('combined-crash', viaProxy);
    cleanup.defer(() => combined.stop());

    const acknowledged: string[] = [];
    const crash = (async () => {
      while ((await appliedCount(database.db)) < handled.length / 4) await sleep(50);
      proxy.stall();
      // Acknowledged from now on: started eagerly, their tasks held by this process, stuck in Postgres.
      await sleep(1000);
      const inLedger = await ledgerIds(database.db);
      const handledIds = new Set(handled.map(({ event }) => event.id));
      const heldAtKill = acknowledged.filter((id) => handledIds.has(id) && !inLedger.has(id)).length;
      await combined.kill();
      proxy.resume();
      const restartStarted = Date.now();
      combined = await start('combined-crash-2', database.url);
      return { heldAtKill, restartMs: Date.now() - restartStarted };
    })();

    const startedAt = Date.now();
    const report = await deliverLikeStripe(
      sent.map(({ event }) => event),
      {
        urls: [`http://127.0.0.1:${port}/webhooks/stripe`],
        secret: FAULT_SECRET,
        concurrency: 4,
        spacingMs: 10,
        deadlineMs: 300_000,
        onAttempt: (attempt) => {
          if (attempt.status === 200) acknowledged.push(attempt.eventId);
        },
      },
    );
    const crashed = await crash;
    assert.ok(crashed.heldAtKill > 0, 'acknowledged events were not yet applied when the process died');

    // The first run's starts were eager: the server handed the task back in the start response.
    const first = await client.workflow.getHandle(acknowledged[0]!).fetchHistory();
    assert.equal(
      first.events?.[0]?.workflowExecutionStartedEventAttributes?.eagerExecutionAccepted,
      true,
      'the combined process starts workflows eagerly',
    );

    const outcome = await assertExactlyOnce({
      db: database.db,
      client,
      taskQueue,
      sent,
      report,
      startedAt,
      settleTimeoutMs: 180_000,
      processes: [combined],
    });
    t.diagnostic(describeOutcome(outcome, crashed));
  });
});

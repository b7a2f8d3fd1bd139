/**
 * Two ingress processes in front of one worker process:
 * - one ingress is SIGKILLed while requests are in flight (some held half-sent on purpose); the
 *   sender retries against the other, the killed one is restarted on its port and serves again;
 * - both receive the same events at the same time, twice over; each event is applied once.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { before, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { Client } from '@temporalio/client';
import type { StripeEvent } from '../../common/stripe-event';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { deliverLikeStripe } from '../helpers/load-generator';
import type { Attempt } from '../helpers/load-generator';
import { startIngressProcess, startWorkerProcess } from '../helpers/processes';
import type { IngressProcess, ServiceProcess } from '../helpers/processes';
import {
  assertExactlyOnce,
  cleanupAfter,
  connectTestClient,
  describeOutcome,
  FAULT_SECRET,
  faultEvents,
  size,
  sleep,
  testTemporalAddress,
  uniqueTaskQueue,
} from './harness';

const stripe = new Stripe('sk_test_unused');

/**
 * A delivery that sends its headers and half its body, then waits: in flight for as long as the
 * test likes. Resolves with what became of it (a status, or the connection error).
 */
function halfSent(url: string, event: StripeEvent): Promise<string> {
  const payload = Buffer.from(JSON.stringify(event));
  const signature = stripe.webhooks.generateTestHeaderString({
    payload: payload.toString(),
    secret: FAULT_SECRET,
  });
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': payload.length,
        'stripe-signature': signature,
      },
    });
    req.on('response', (response) => resolve(String(response.statusCode)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.write(payload.subarray(0, payload.length / 2));
  });
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

describe('ingress replicas', () => {
  const address = testTemporalAddress();
  const cleanup = cleanupAfter();
  let database: TestDatabase;
  let client: Client;
  let worker: ServiceProcess;

  before(async () => {
    client = await connectTestClient(cleanup, address);
    database = await createTestDatabase();
    cleanup.defer(() => database.drop());
  });

  async function replicas(taskQueue: string, prefix: string): Promise<[IngressProcess, IngressProcess]> {
    worker = await startWorkerProcess(`worker-${prefix}`, { address, taskQueue, client }, database.url);
    cleanup.defer(() => worker.stop());
    const pair = await Promise.all(
      ['a', 'b'].map((name) =>
        startIngressProcess(`ingress-${prefix}-${name}`, { address, taskQueue }, { secret: FAULT_SECRET }),
      ),
    );
    for (const ingress of pair) cleanup.defer(() => ingress.stop());
    return pair as [IngressProcess, IngressProcess];
  }

  it('an ingress killed with requests in flight: the sender retries, nothing is lost or doubled', async (t) => {
    const taskQueue = uniqueTaskQueue('fault-ingress-crash');
    const pair = await replicas(taskQueue, 'crash');
    const b = pair[1];
    let a = pair[0];
    const sent = faultEvents(size(200, 2000));
    const held = sent.slice(0, 3).map(({ event }) => halfSent(a.webhookUrl, event));

    let acknowledged = 0;
    let killedAt = Infinity;
    let killing: Promise<void> | undefined;
    const crash = async () => {
      await a.kill();
      killedAt = Date.now();
      await sleep(size(2000, 5000));
      const port = a.port;
      a = await startIngressProcess(
        'ingress-crash-a2',
        { address, taskQueue },
        { secret: FAULT_SECRET, port },
      );
      cleanup.defer(() => a.stop());
    };
    const onAttempt = (attempt: Attempt) => {
      if (attempt.status === 200 && ++acknowledged >= sent.length / 3 && !killing) killing = crash();
    };
    const startedAt = Date.now();
    const report = await deliverLikeStripe(
      sent.map(({ event }) => event),
      {
        urls: [a.webhookUrl, b.webhookUrl],
        secret: FAULT_SECRET,
        concurrency: 6,
        spacingMs: 10,
        deadlineMs: 300_000,
        onAttempt,
      },
    );
    await killing;
    // The restarted replica takes deliveries again.
    const late = faultEvents(10);
    const lateReport = await deliverLikeStripe(
      late.map(({ event }) => event),
      { urls: [a.webhookUrl], secret: FAULT_SECRET, concurrency: 2, deadlineMs: 60_000 },
    );
    const heldOutcomes = await Promise.all(held);
    assert.ok(
      heldOutcomes.every((outcome) => outcome === 'ECONNRESET'),
      `the half-sent requests died with the process: ${heldOutcomes.join(', ')}`,
    );
    const failedOnA = report.attempts.filter((x) => x.url === a.webhookUrl && x.status === undefined);
    const servedAfterRestart = report.attempts.filter(
      (x) => x.url === a.webhookUrl && x.status === 200 && x.sentAt > killedAt,
    );
    assert.ok(failedOnA.length > 0, 'deliveries to the killed ingress failed and were retried');
    const outcome = await assertExactlyOnce({
      db: database.db,
      client,
      taskQueue,
      sent: [...sent, ...late],
      report: {
        ...report,
        events: sent.length + late.length,
        acknowledged: new Map([...report.acknowledged, ...lateReport.acknowledged]),
        attempts: [...report.attempts, ...lateReport.attempts],
        unacknowledged: [...report.unacknowledged, ...lateReport.unacknowledged],
      },
      startedAt,
      processes: [worker, a, b],
    });
    t.diagnostic(
      describeOutcome(outcome, {
        heldHalfSent: heldOutcomes.length,
        connectionErrors: failedOnA.length,
        acceptedByRestartedIngress: servedAfterRestart.length + lateReport.acknowledged.size,
      }),
    );
    assert.equal((await fetch(`${a.url}/healthz`)).status, 200, 'the restarted ingress serves');
    await worker.stop();
  });

  it('two replicas receiving the same events at once apply each event exactly once', async (t) => {
    const taskQueue = uniqueTaskQueue('fault-replicas');
    await database.drop();
    database = await createTestDatabase();
    cleanup.defer(() => database.drop());
    const [a, b] = await replicas(taskQueue, 'dup');
    const sent = faultEvents(size(100, 2000));
    const events = sent.map(({ event }) => event);
    const startedAt = Date.now();
    // Four senders, two per replica, each delivering every event: four concurrent copies of each.
    const reports = await Promise.all(
      [a, a, b, b].map((ingress) =>
        deliverLikeStripe(events, {
          urls: [ingress.webhookUrl],
          secret: FAULT_SECRET,
          concurrency: 4,
          deadlineMs: 300_000,
        }),
      ),
    );
    for (const report of reports) assert.deepEqual(report.unacknowledged, []);
    const outcome = await assertExactlyOnce({
      db: database.db,
      client,
      taskQueue,
      sent,
      report: reports[0]!,
      startedAt,
      processes: [worker, a, b],
    });

    const metrics = await Promise.all(
      [a, b].map(async (ingress) => (await fetch(`${ingress.url}/metrics`)).text()),
    );
    const accepted = metrics.reduce((sum, text) => sum + metric(text, 'stripe_webhooks_accepted_total'), 0);
    const duplicates = metrics.reduce(
      (sum, text) => sum + metric(text, 'stripe_webhooks_duplicate_total'),
      0,
    );
    assert.equal(accepted, sent.length, 'Temporal accepted each event once across both replicas');
    assert.equal(accepted + duplicates, 4 * sent.length, 'every other copy was answered as a duplicate');
    t.diagnostic(
      describeOutcome(outcome, { deliveries: 4 * sent.length, accepted, duplicateAnswers: duplicates }),
    );
    await worker.stop();
  });
});

/**
 * `npm run bench:subscribers`: what subscribers cost the event, and how soon they get it, through
 * the real stack on a dev server of its own: signed POST → ingress → worker (handler, then the
 * deliveries it starts) → a subscriber's activity in a worker on another task queue.
 *
 * For 0, 1 and 3 subscribers of `invoice.paid`, events sent one at a time:
 *   POST → event done      until processStripeEvent's result (the mirror committed and, with
 *                          subscribers, their deliveries started inside the handler's activity)
 *   POST → last delivered  until every subscriber's activity has been called
 *
 *   BENCH_EVENTS=100 npm run bench:subscribers
 */
import { performance } from 'node:perf_hooks';
import { Worker } from '@temporalio/worker';
import type { Subscriber, SubscriberPayload } from '../common/subscriber-contract';
import { parseSubscriptions } from '../common/subscriptions';
import { connectNativeConnection } from '../common/temporal-connection';
import { createDataConverter } from '../common/data-converter';
import { generatePayloadKey } from '../common/payload-keys';
import { startDevServer } from '../dev/dev-server';
import { fixtureEvent } from '../dev/fixtures';
import { createTestDatabase } from '../test/helpers/db';
import { startTestIngress } from '../test/helpers/ingress';
import { connectTestTemporal, uniqueTaskQueue } from '../test/helpers/temporal';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function summary(name: string, samples: number[]): string {
  if (samples.length === 0) return `${name.padEnd(38)} -`;
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1).padStart(7);
  return `${name.padEnd(38)} p50 ${f(percentile(sorted, 50))} ms   p95 ${f(percentile(sorted, 95))} ms   max ${f(sorted.at(-1) ?? NaN)} ms`;
}

async function run(subscriberCount: number, count: number): Promise<string[]> {
  const database = await createTestDatabase();
  const temporal = await connectTestTemporal(`bench-subs-${subscriberCount}`);
  const subscriberQueue = uniqueTaskQueue('bench-subscriber');
  const subscribers: Subscriber[] = parseSubscriptions({
    subscribers: Array.from({ length: subscriberCount }, (_, i) => ({
      name: `sub-${i}`,
      eventTypes: ['invoice.paid'],
      taskQueue: subscriberQueue,
      activity: 'receive',
    })),
  });
  const calls = new Map<string, number[]>();
  const connection = await connectNativeConnection(temporal.config);
  const subscriberWorker = await Worker.create({
    connection,
    namespace: temporal.config.namespace,
    taskQueue: subscriberQueue,
    dataConverter: createDataConverter(temporal.config.payloadKeys),
    activities: {
      receive: (payload: SubscriberPayload) => {
        const times = calls.get(payload.eventId) ?? [];
        times.push(performance.now());
        calls.set(payload.eventId, times);
        return Promise.resolve();
      },
    },
  });
  const subscriberRunning = subscriberWorker.run();
  const { worker, running } = await temporal.startWorker(database.db, { subscribers });
  const ingress = await startTestIngress(temporal.client, temporal.config.taskQueue);
  const eventDone: number[] = [];
  const delivered: number[] = [];
  try {
    let created = Math.floor(Date.now() / 1000);
    for (let i = 0; i < count + 10; i++) {
      const event = fixtureEvent('invoice_paid.json', { created: ++created });
      const started = performance.now();
      if ((await ingress.post(event)).status !== 200) throw new Error('POST refused');
      await temporal.client.workflow.getHandle(event.id).result();
      const done = performance.now();
      while ((calls.get(event.id)?.length ?? 0) < subscriberCount)
        await new Promise((resolve) => setTimeout(resolve, 2));
      if (i < 10) continue; // warm-up
      eventDone.push(done - started);
      if (subscriberCount > 0) delivered.push(Math.max(...calls.get(event.id)!) - started);
    }
  } finally {
    await ingress.close();
    worker.shutdown();
    subscriberWorker.shutdown();
    await Promise.all([running, subscriberRunning]);
    await connection.close();
    await temporal.close();
    await database.drop();
  }
  return [
    summary(`${subscriberCount} subscribers: POST → event done`, eventDone),
    summary(`${subscriberCount} subscribers: POST → last delivered`, delivered),
  ];
}

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_EVENTS ?? 100);
  // Encrypted, as in production: the subscriber's worker decrypts with the same keys.
  if (!process.env.TEMPORAL_PAYLOAD_KEYS && !process.env.TEMPORAL_PAYLOAD_KEYS_FILE)
    process.env.TEMPORAL_PAYLOAD_KEYS = generatePayloadKey('bench-subscribers');
  const server = await startDevServer();
  process.env.TEST_TEMPORAL_ADDRESS = server.address;
  try {
    const lines: string[] = [];
    for (const subscriberCount of [0, 1, 3]) lines.push(...(await run(subscriberCount, count)));
    console.log(`${count} × invoice.paid, one at a time (after 10 warm-up events)`);
    for (const line of lines) console.log(line);
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

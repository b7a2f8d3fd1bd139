/**
 * `npm run bench:capture`: how soon the mirror holds what the application just created, with and
 * without capture at the source, through the real stack on its own dev server and a fake Stripe API.
 *
 * Each sample: the application creates a subscription (POST /v1/subscriptions on the fake); the
 * fake records its `customer.subscription.created` event, delivered signed to the ingress
 * BENCH_WEBHOOK_DELAY_MS after the response, as Stripe would; the time is measured from the API
 * response to the subscription's row being visible to another connection (polled every 2 ms).
 * Samples run one at a time, each waiting for its webhook's workflow to finish.
 *
 *   BENCH_SAMPLES=10 BENCH_WEBHOOK_DELAY_MS=3000 npm run bench:capture
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { Registry } from 'prom-client';
import Stripe from 'stripe';
import { createCapturingStripe } from '../common/capture';
import { generatePayloadKey } from '../common/payload-keys';
import { fixtureEvent } from '../dev/fixtures';
import { startFakeStripe } from '../test/helpers/fake-stripe';
import { startStandaloneStack } from '../test/helpers/stack';
import { percentiles, round } from './lib/stats';

interface Sample {
  apiCallMs: number;
  responseToRowMs: number;
}

function line(name: string, samples: number[]): string {
  const { p50, p99, max } = percentiles(samples);
  const f = (n: number) => String(round(n)).padStart(8);
  return `${name.padEnd(44)} p50 ${f(p50)} ms   p99 ${f(p99)} ms   max ${f(max)} ms`;
}

async function main(): Promise<void> {
  const samples = Number(process.env.BENCH_SAMPLES ?? 10);
  const webhookDelayMs = Number(process.env.BENCH_WEBHOOK_DELAY_MS ?? 3000);
  // Encrypted as in production, with a key of the run's own unless one is configured.
  if (!process.env.TEMPORAL_PAYLOAD_KEYS && !process.env.TEMPORAL_PAYLOAD_KEYS_FILE) {
    process.env.TEMPORAL_PAYLOAD_KEYS = generatePayloadKey('bench-capture');
  }
  const stack = await startStandaloneStack('bench-capture');
  const fake = await startFakeStripe();
  const observer = postgres(stack.database.url, { max: 1 });
  let next = 0;
  fake.onWrite('POST', /^\/v1\/subscriptions$/, () => ({
    object: { ...fixtureEvent('customer.subscription.created').data.object, id: `sub_bench_${next++}` },
    eventTypes: ['customer.subscription.created'],
  }));
  const base = new URL(fake.baseUrl);
  const stripeConfig = {
    host: base.hostname,
    port: base.port,
    protocol: 'http' as const,
    maxNetworkRetries: 0,
  };
  const plain = new Stripe(fake.apiKey, stripeConfig);
  const capturing = createCapturingStripe(fake.apiKey, {
    client: stack.temporal.client,
    taskQueue: stack.temporal.config.taskQueue,
    registry: new Registry(),
    stripeConfig,
  });

  async function sample(stripe: Stripe): Promise<Sample> {
    const caused = fake.events.length;
    const called = performance.now();
    const created = await stripe.subscriptions.create({
      customer: 'cus_bench',
      items: [{ price: 'price_bench' }],
    });
    const answered = performance.now();
    const webhooks = fake.events.slice(caused);
    const delivered = sleep(webhookDelayMs).then(() =>
      Promise.all(webhooks.map((event) => stack.ingress.post(event))),
    );
    while ((await observer`select 1 from subscriptions where id = ${created.id}`).length === 0)
      await sleep(2);
    const visible = performance.now();
    await delivered;
    await Promise.all(webhooks.map((event) => stack.result(event.id)));
    return { apiCallMs: answered - called, responseToRowMs: visible - answered };
  }

  try {
    const results: Record<'without' | 'with', Sample[]> = { without: [], with: [] };
    for (const [mode, stripe] of [
      ['without', plain],
      ['with', capturing.stripe],
    ] as const) {
      await sample(stripe); // warm-up: connections, worker caches, JIT
      for (let i = 0; i < samples; i++) results[mode].push(await sample(stripe));
    }
    await capturing.flush();
    const failures = (await capturing.metrics.failed.get()).values.reduce((sum, v) => sum + v.value, 0);
    console.log(
      `${samples} subscriptions created one at a time per mode, webhook delivered ${webhookDelayMs} ms after the response`,
    );
    console.log(
      line(
        'API response → mirror row, webhook only',
        results.without.map((s) => s.responseToRowMs),
      ),
    );
    console.log(
      line(
        'API response → mirror row, with capture',
        results.with.map((s) => s.responseToRowMs),
      ),
    );
    console.log(
      line(
        'API call itself, plain client',
        results.without.map((s) => s.apiCallMs),
      ),
    );
    console.log(
      line(
        'API call itself, capturing client',
        results.with.map((s) => s.apiCallMs),
      ),
    );
    console.log(`capture failures: ${failures}`);
  } finally {
    await capturing.close();
    await observer.end();
    await fake.close();
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/**
 * `npm run bench:latency`: how long one event takes, on this machine, through the real stack:
 * signed POST → ingress → Temporal dev server → worker → Postgres commit.
 *
 * Events are sent one at a time (no queueing), so the figures are per-event latency, not
 * throughput. End to end is measured until the ledger row is visible to another connection
 * (polled every 2 ms, so figures carry up to ~2 ms of polling granularity).
 *
 *   BENCH_EVENTS=200 BENCH_TYPE=customer.subscription.updated npm run bench:latency
 */
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { fixtureEvent } from '../dev/fixtures';
import { startStandaloneStack } from '../test/helpers/stack';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function summary(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1).padStart(7);
  return `${name.padEnd(24)} p50 ${f(percentile(sorted, 50))} ms   p95 ${f(percentile(sorted, 95))} ms   p99 ${f(percentile(sorted, 99))} ms   max ${f(sorted.at(-1) ?? NaN)} ms`;
}

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_EVENTS ?? 200);
  const type = process.env.BENCH_TYPE ?? 'customer.subscription.updated';
  const stack = await startStandaloneStack('bench');
  const observer = postgres(stack.database.url, { max: 1 });

  const ack: number[] = [];
  const endToEnd: number[] = [];
  try {
    for (let i = 0; i < count + 10; i++) {
      const event = fixtureEvent(type, { object: { id: `bench_${i}` } });
      const started = performance.now();
      const response = await stack.ingress.post(event);
      const acked = performance.now();
      if (response.status !== 200) throw new Error(`POST answered ${response.status}`);
      while ((await observer`select 1 from stripe_events where id = ${event.id}`).length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const committed = performance.now();
      if (i < 10) continue; // warm-up: connections, worker caches, JIT
      ack.push(acked - started);
      endToEnd.push(committed - started);
    }
    console.log(`${count} × ${type}, sent one at a time (after 10 warm-up events)`);
    console.log(summary('acknowledgement', ack));
    console.log(summary('POST → committed row', endToEnd));
  } finally {
    await observer.end();
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/**
 * `npm run bench:stuck-events`: what one stuck-event measurement (worker/stuck-events.ts) costs
 * against a dev server of its own, with BENCH_STUCK running event workflows (200 by default, of
 * several types, on a queue no worker polls, so they stay running as stuck ones do): with none past
 * the threshold (the usual case: one count per workflow type), and with all of them past it (the
 * per-handler counts and the bisection for the oldest age). Prints the counts and the timings.
 *
 *   BENCH_STUCK=200 npm run bench:stuck-events
 */
import { performance } from 'node:perf_hooks';
import { mapWithConcurrency } from '../common/concurrency';
import { PROCESS_STRIPE_EVENT } from '../common/event-workflow';
import type { ProcessStripeEvent } from '../common/event-workflow';
import { searchAttributesFor } from '../common/search-attributes';
import { connectClient } from '../common/temporal-connection';
import { loadTemporalConfig } from '../common/temporal-config';
import { startDevServer } from '../dev/dev-server';
import { fixtureEvent } from '../dev/fixtures';
import { percentiles } from './lib/stats';
import { measureStuckEvents } from '../worker/stuck-events';

const TYPES = ['customer.created', 'invoice.paid', 'customer.subscription.updated', 'charge.refunded'];

async function main(): Promise<void> {
  const stuck = Number(process.env.BENCH_STUCK ?? 200);
  const runs = Number(process.env.BENCH_RUNS ?? 10);
  const server = await startDevServer();
  // Plaintext payloads on this throwaway server: counts read no payload, so the codec costs nothing here.
  const config = loadTemporalConfig({
    ...process.env,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_PAYLOAD_ENCRYPTION: 'off',
  });
  const client = await connectClient(config);
  const taskQueue = `bench-stuck-${Date.now()}`;
  try {
    await mapWithConcurrency(
      Array.from({ length: stuck }, (_, i) => i),
      8,
      async (i) => {
        const event = { ...fixtureEvent(TYPES[i % TYPES.length]!), id: `evt_bench_stuck_${i}` };
        await client.workflow.start<ProcessStripeEvent>(PROCESS_STRIPE_EVENT, {
          workflowId: event.id,
          taskQueue,
          args: [event],
          typedSearchAttributes: searchAttributesFor(event),
        });
      },
    );
    const now = () => Math.floor(Date.now() / 1000);
    for (const [label, thresholdSeconds, at] of [
      ['none past the threshold', 600, now],
      ['all past the threshold', 10, () => now() + 3600],
    ] as const) {
      const samples: number[] = [];
      let snapshot: Awaited<ReturnType<typeof measureStuckEvents>> | undefined;
      for (let run = 0; run < runs; run++) {
        const started = performance.now();
        snapshot = await measureStuckEvents(client, { taskQueue, thresholdSeconds }, at());
        samples.push(performance.now() - started);
      }
      const p = percentiles(samples);
      const stuckCount = Object.values(snapshot!.byWorkflowType).reduce((a, b) => a + b, 0);
      console.log(
        `${label.padEnd(24)} stuck ${String(stuckCount).padStart(4)}  oldest ${snapshot!.oldestAgeSeconds} s  ` +
          `median ${p.p50.toFixed(0)} ms  max ${p.max.toFixed(0)} ms  (${runs} runs, ${stuck} running)`,
      );
    }
  } finally {
    await client.connection.close();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

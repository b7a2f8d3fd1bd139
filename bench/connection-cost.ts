/**
 * `npm run bench:connection`: what one workflow start costs the starting process, on the grpc-js
 * `Connection` (the ingress's default) and on a Rust `NativeConnection` (what the combined process
 * shares with its worker). Starts BENCH_STARTS workflows on each, 8 at a time, encrypted as in
 * production, on a dev server of its own with no worker (so only the start is measured), and
 * prints process CPU per start (utime + stime of this process, which includes the Rust threads)
 * and start latency. Each connection is measured twice, alternating, to expose drift.
 */
import { randomBytes } from 'node:crypto';
import { loadPayloadEncryption, generatePayloadKey } from '../common/payload-keys';
import { CURRENT_PROCESS_OPTIONS, PROCESS_STRIPE_EVENT } from '../common/event-workflow';
import type { ProcessStripeEvent } from '../common/event-workflow';
import { clientOn, connectClient, connectNativeConnection } from '../common/temporal-connection';
import { testTemporalConfig } from '../test/helpers/test-env';
import { fixtureEvent } from '../dev/fixtures';
import { startDevServer } from '../dev/dev-server';
import type { Client } from '@temporalio/client';

const STARTS = Number(process.env.BENCH_STARTS ?? '2000');
const CONCURRENCY = 8;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measure(client: Client, label: string): Promise<string> {
  const taskQueue = `connection-cost-${randomBytes(4).toString('hex')}`;
  const events = Array.from({ length: STARTS }, () => fixtureEvent('customer.updated'));
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < events.length) {
        const event = events[next++]!;
        const t0 = performance.now();
        await client.workflow.start<ProcessStripeEvent>(PROCESS_STRIPE_EVENT, {
          workflowId: event.id,
          taskQueue,
          args: [event, CURRENT_PROCESS_OPTIONS],
        });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const cpuMs = (cpu.user + cpu.system) / 1000 / STARTS;
  return (
    `${label.padEnd(18)} CPU/start ${cpuMs.toFixed(3)} ms   start p50 ${percentile(latencies, 50).toFixed(1)} ms ` +
    `p99 ${percentile(latencies, 99).toFixed(1)} ms   ${(STARTS / seconds).toFixed(0)} starts/s`
  );
}

async function main(): Promise<void> {
  if (loadPayloadEncryption().mode !== 'encrypted')
    process.env.TEMPORAL_PAYLOAD_KEYS = generatePayloadKey('bench');
  const server = await startDevServer({ uiPort: false });
  try {
    const config = testTemporalConfig({ address: server.address });
    const grpcJs = await connectClient(config);
    const native = clientOn(await connectNativeConnection(config), config);
    // Warm both up (TLS-free here; JIT, the codec's key import).
    await measure(grpcJs, 'warm-up').then(() => measure(native, 'warm-up'));
    for (let round = 1; round <= 2; round++) {
      console.log(await measure(grpcJs, `grpc-js Connection`));
      console.log(await measure(native, `NativeConnection`));
    }
    await grpcJs.connection.close();
    await native.connection.close();
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

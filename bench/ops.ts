/**
 * `npm run bench:ops`: how fast `stuck` and `status` answer in a namespace holding many events,
 * on this machine: a dev server of its own, BENCH_COMPLETED events processed to completion (10,000
 * by default) and BENCH_STUCK events held running by a paused handler (100), then each command
 * timed in-process (the query and RPC cost) and as the real CLI process (plus node/tsx start).
 *
 *   BENCH_COMPLETED=10000 BENCH_STUCK=100 npm run bench:ops
 *
 * BENCH_COMPLETED_TYPE (default customer.created) is the completed events' type; an unhandled type
 * such as `ping` fills the namespace several times faster (one workflow task, no activity) and
 * leaves the same visibility load for `stuck` to wade past.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { mapWithConcurrency } from '../common/concurrency';
import { fixtureEvent } from '../dev/fixtures';
import { createEventStarter } from '../common/event-starter';
import { runCommand } from '../ops/cli';
import type { StuckReport } from '../ops/commands/stuck';
import { createOps, loadOpsConfig } from '../ops/context';
import { query } from '../test/helpers/db';
import { startStandaloneStack, waitFor } from '../test/helpers/stack';

const runFile = promisify(execFile);

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function timed<T>(
  runs: number,
  work: () => Promise<T>,
): Promise<{ median: number; min: number; max: number; last: T }> {
  const samples: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    last = await work();
    samples.push(performance.now() - started);
  }
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), last: last as T };
}

async function main(): Promise<void> {
  const completed = Number(process.env.BENCH_COMPLETED ?? 10_000);
  const stuck = Number(process.env.BENCH_STUCK ?? 100);
  const completedType = process.env.BENCH_COMPLETED_TYPE ?? 'customer.created';
  const stack = await startStandaloneStack('bench-ops');
  const { config, client } = stack.temporal;
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: config.address,
    TEMPORAL_NAMESPACE: config.namespace,
    TEMPORAL_TASK_QUEUE: config.taskQueue,
    DATABASE_URL: stack.database.url,
  };
  const ops = createOps(loadOpsConfig(env), { client, db: stack.database.db });
  const starter = createEventStarter(client, { taskQueue: config.taskQueue, startTimeoutMs: 30_000 });
  const ledgerCount = async () =>
    Number(
      (await query<{ count: string }>(stack.database.db, sql`select count(*) from stripe_events`))[0]?.count,
    );
  try {
    const filling = performance.now();
    await runCommand(ops, ['pause-handler', 'applyInvoiceEvent', '--reason', 'bench: held on purpose']);
    const held = Array.from({ length: stuck }, (_, i) =>
      fixtureEvent('invoice.paid', { object: { id: `in_bench_${i}` } }),
    );
    await mapWithConcurrency(held, 16, (event) => starter.start(event));
    const done = Array.from({ length: completed }, (_, i) => ({
      ...fixtureEvent('customer.created', { object: { id: `cus_bench_${i}` } }),
      type: completedType,
    }));
    await mapWithConcurrency(done, 32, (event) => starter.start(event));
    const completedCount = async () =>
      (await client.workflow.count(`TaskQueue="${config.taskQueue}" AND ExecutionStatus="Completed"`)).count;
    const progress = setInterval(() => {
      void completedCount().then((count) => console.log(`  ${count} completed so far`));
    }, 15_000);
    await waitFor(
      async () => ((await completedCount()) >= completed ? true : undefined),
      `${completed} events completed`,
      60 * 60_000,
    );
    clearInterval(progress);
    const filled = ((performance.now() - filling) / 1000).toFixed(0);
    const closed = await completedCount();
    const applied = await ledgerCount();
    const { count: running } = await client.workflow.count(
      `TaskQueue="${config.taskQueue}" AND ExecutionStatus="Running"`,
    );
    console.log(
      `namespace: ${closed} completed ${completedType} (${applied} ledger rows), ${running} running (${stuck} held by a paused handler); filled in ${filled} s`,
    );

    const stuckRuns = await timed(5, async () => (await runCommand(ops, ['stuck'])).value as StuckReport);
    if (stuckRuns.last.stuck.length !== stuck)
      throw new Error(`stuck listed ${stuckRuns.last.stuck.length}, expected ${stuck}`);
    const completedId = done[0]?.id as string;
    const heldId = held[0]?.id as string;
    const statusDone = await timed(20, () => runCommand(ops, ['status', completedId]));
    const statusHeld = await timed(20, () => runCommand(ops, ['status', heldId]));
    const cli = path.join(__dirname, '..', 'ops', 'cli.ts');
    const spawned = async (...argv: string[]) =>
      timed(3, () =>
        runFile(process.execPath, ['--import', 'tsx', cli, ...argv, '--json'], { env, maxBuffer: 64 << 20 }),
      );
    const stuckCli = await spawned('stuck');
    const statusCli = await spawned('status', heldId);
    const f = (ms: number) => `${ms.toFixed(0).padStart(5)} ms`;
    const row = (name: string, r: { median: number; min: number; max: number }, runs: number) =>
      `${name.padEnd(44)} median ${f(r.median)}   min ${f(r.min)}   max ${f(r.max)}   (${runs} runs)`;
    console.log(row(`stuck (in-process, ${stuck} stuck found)`, stuckRuns, 5));
    console.log(row('status <completed event> (in-process)', statusDone, 20));
    console.log(row('status <stuck event> (in-process)', statusHeld, 20));
    console.log(row('stuck --json (CLI process, tsx)', stuckCli, 3));
    console.log(row('status <stuck event> --json (CLI process, tsx)', statusCli, 3));
  } finally {
    await ops.close();
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

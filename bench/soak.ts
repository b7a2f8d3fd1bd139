/**
 * `npm run soak`: 10,000 signed events at a steady rate through the real stack (dev server, the
 * combined process as `npm start` runs it, or with SOAK_DESIGN=temporal-split the ingress and
 * worker as separate processes, Postgres), with 5 % of them delivered twice, then:
 *
 * - the ledger holds exactly one row per event, and each business table exactly one row per
 *   event of its family (every event is about an object of its own);
 * - no event was applied twice (ledger outcome `applied`, once) and no workflow failed or is
 *   still running;
 * - the memory of each process stayed flat: RSS sampled every 2 s, start / peak / end printed.
 *
 * Exits 1 when a check fails. SOAK_EVENTS (10000), SOAK_RATE (20 ev/s), SOAK_DUPLICATE_EVERY (20).
 */
import { loadTemporalConfig } from '../common/temporal-config';
import { connectClient } from '../common/temporal-connection';
import postgres from 'postgres';
import { CommitWatcher } from './lib/commits';
import { BENCH_SECRET, startDesign } from './lib/designs';
import { startBenchEnvironment } from './lib/environment';
import { Sender } from './lib/load';
import type { Delivery } from './lib/load';
import { loadAverage, RssSampler } from './lib/proc';
import type { RssSummary } from './lib/proc';
import { percentiles } from './lib/stats';
import { EventStream, STREAM_TYPES } from './lib/stream';
import type { StreamEvent } from './lib/stream';

const DESIGN = process.env.SOAK_DESIGN === 'temporal-split' ? 'temporal-split' : 'temporal';
const EVENTS = Number(process.env.SOAK_EVENTS ?? 10_000);
const RATE = Number(process.env.SOAK_RATE ?? 20);
const DUPLICATE_EVERY = Number(process.env.SOAK_DUPLICATE_EVERY ?? 20);
/**
 * A process whose RSS grows more than this over the second half of the run has a leak worth a
 * look. The first half is excluded: the worker's workflow cache and V8's heap fill up there.
 */
const RSS_GROWTH_LIMIT_MIB = Number(process.env.SOAK_RSS_GROWTH_LIMIT_MIB ?? 30);

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

function log(message: string): void {
  console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** The stream with every DUPLICATE_EVERY-th event delivered again ten events later. */
function scheduleWithDuplicates(stream: EventStream, from: number): StreamEvent[] {
  const schedule: StreamEvent[] = [];
  for (let i = 0; i < EVENTS; i++) {
    schedule.push(stream.event(from + i));
    if (i >= 10 && i % DUPLICATE_EVERY === 0) schedule.push(stream.event(from + i - 10));
  }
  return schedule;
}

async function workflowCounts(address: string, taskQueue: string): Promise<Record<string, number>> {
  const client = await connectClient(loadTemporalConfig({ ...process.env, TEMPORAL_ADDRESS: address }));
  try {
    const counts: Record<string, number> = {};
    for (const status of ['Completed', 'Failed', 'Running', 'Terminated', 'TimedOut']) {
      const { count } = await client.workflow.count(
        `TaskQueue = "${taskQueue}" AND ExecutionStatus = "${status}"`,
      );
      counts[status] = count;
    }
    return counts;
  } finally {
    await client.connection.close();
  }
}

function formatRss(name: string, rss: RssSummary): string {
  const f = (n: number) => n.toFixed(0).padStart(5);
  return `${name.padEnd(10)} start ${f(rss.start)} MiB   mid ${f(rss.mid)} MiB   peak ${f(rss.peak)} MiB   end ${f(rss.end)} MiB`;
}

async function main(): Promise<void> {
  log(`load average ${loadAverage()}; building`);
  const environment = await startBenchEnvironment('soak');
  const design = await startDesign(DESIGN, environment.context).catch(async (err: unknown) => {
    await environment.stop();
    throw err;
  });
  const sender = new Sender(design.url, BENCH_SECRET);
  const watcher = new CommitWatcher(design.database.url);
  const sql = postgres(design.database.url, { max: 1, onnotice: () => {} });
  const stream = new EventStream();
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  try {
    const expect = (delivery: Delivery) => {
      if (delivery.status === 200) watcher.expect(delivery.event.id, delivery.sentAt);
    };
    // Warm-up, so the memory baseline is the steady state and not the process start.
    const warmup = await sender.sendAtRate(stream.slice(0, 200), 100, expect);
    await watcher.drained(60_000);
    const from = warmup.length;
    const schedule = scheduleWithDuplicates(stream, from);

    const rss = new RssSampler({ ...design.processes, ...design.broker });
    rss.start(2000);
    log(`sending ${EVENTS} events + ${schedule.length - EVENTS} duplicate deliveries at ${RATE} ev/s`);
    const progress = setInterval(
      () =>
        log(`${watcher.endToEnd.size} committed, ${watcher.outstanding} outstanding, load ${loadAverage()}`),
      15_000,
    );
    const deliveries = await sender.sendAtRate(schedule, RATE, expect);
    const drained = await watcher.drained(600_000, () => design.assertAlive());
    clearInterval(progress);
    const memory = rss.stop();

    const refused = deliveries.filter((delivery) => delivery.status !== 200);
    check('every delivery answered 200', refused.length === 0, `${refused.length} refused`);
    check('backlog drained', drained, `${watcher.outstanding} acknowledged events without a ledger row`);

    const total = from + EVENTS;
    const [ledger] = await sql<{ rows: number; ids: number; applied: number }[]>`
      select count(*)::int as rows, count(distinct id)::int as ids,
             count(*) filter (where outcome = 'applied')::int as applied
      from stripe_events`;
    check(
      'ledger: one row per event',
      ledger?.rows === total && ledger.ids === total,
      `${ledger?.rows} rows, expected ${total}`,
    );
    check('ledger: every event applied', ledger?.applied === total, `${ledger?.applied} applied`);
    for (const [index, family] of STREAM_TYPES.entries()) {
      const expected = Array.from({ length: total }, (_, i) => i).filter(
        (i) => i % STREAM_TYPES.length === index,
      ).length;
      const [row] = await sql<{ count: number }[]>`
        select count(*)::int as count from ${sql(family.table)} where id like ${`${family.objectPrefix}_bench_${stream.tag}_%`}`;
      check(`mirror: ${family.table}`, row?.count === expected, `${row?.count} rows, expected ${expected}`);
    }
    const workflows = await workflowCounts(environment.server.address, design.taskQueue!);
    check(
      'workflows: one completed per event, none failed or running',
      workflows.Completed === total && workflows.Failed === 0 && workflows.Running === 0,
      JSON.stringify(workflows),
    );

    for (const [name, summary] of Object.entries(memory)) {
      check(
        `memory: ${name} flat`,
        summary.end - summary.mid <= RSS_GROWTH_LIMIT_MIB,
        `${(summary.end - summary.mid).toFixed(0)} MiB growth over the second half ` +
          `(limit ${RSS_GROWTH_LIMIT_MIB}), ${(summary.end - summary.start).toFixed(0)} MiB in all`,
      );
    }

    const ack = percentiles(deliveries.map((delivery) => delivery.ackMs));
    const e2e = percentiles([...watcher.endToEnd.values()]);
    console.log('');
    console.log(
      `soak: ${EVENTS} events + ${schedule.length - EVENTS} duplicates at ${RATE} ev/s, load ${loadAverage()}`,
    );
    console.log(
      `ack        p50 ${ack.p50.toFixed(1)} ms   p99 ${ack.p99.toFixed(1)} ms   max ${ack.max.toFixed(1)} ms`,
    );
    console.log(
      `end to end p50 ${e2e.p50.toFixed(1)} ms   p99 ${e2e.p99.toFixed(1)} ms   max ${e2e.max.toFixed(1)} ms`,
    );
    for (const [name, summary] of Object.entries(memory)) console.log(formatRss(name, summary));
    for (const { name, ok, detail } of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
  } finally {
    sender.close();
    await watcher.close();
    await sql.end();
    await design.stop();
    await environment.stop();
  }
  if (checks.some((entry) => !entry.ok)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

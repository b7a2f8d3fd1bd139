/**
 * `npm run bench`: the Temporal pipeline against the two designs a user would otherwise pick
 * (inline and a BullMQ queue), on this machine, through real processes, and the report as
 * bench/results/report.json and report.md. See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import prettier from 'prettier';
import { findOrBuildTemporalCli } from '../dev/temporal-cli';
import { ADMIN_DATABASE_URL } from '../test/helpers/db';
import { BENCH_SECRET, DESIGNS, startDesign } from './lib/designs';
import type { DesignName } from './lib/designs';
import { Sender } from './lib/load';
import { startBenchEnvironment } from './lib/environment';
import { DesignBench, isSustained, SETTLE_TIMEOUT_MS } from './lib/phases';
import type { PhaseResult } from './lib/phases';
import { loadAverage } from './lib/proc';
import { checkTargets, renderMarkdown } from './lib/report';
import type { BenchReport, DesignResult } from './lib/report';
import { EventStream } from './lib/stream';

const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const CONFIG = {
  designs: env('BENCH_DESIGNS', DESIGNS.join(',')).split(',') as DesignName[],
  warmupEvents: Number(env('BENCH_WARMUP_EVENTS', '300')),
  fixedRate: Number(env('BENCH_RATE', '200')),
  fixedSeconds: Number(env('BENCH_SECONDS', '20')),
  duplicateEvents: Number(env('BENCH_DUPLICATES', '1000')),
  steps: env('BENCH_STEPS', '300,400,500,650,800,1000,1250,1500').split(',').filter(Boolean).map(Number),
  stepsDown: env('BENCH_STEPS_DOWN', '100,50,35,25,15,10').split(',').filter(Boolean).map(Number),
  stepSeconds: Number(env('BENCH_STEP_SECONDS', '10')),
  out: env('BENCH_OUT', path.join(__dirname, 'results', 'report')),
};

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function describePhase(label: string, phase: PhaseResult): string {
  const f = (n: number) => n.toFixed(1);
  return (
    `${label} ${phase.offeredRate} ev/s: ack p50 ${f(phase.ackMs.p50)} p99 ${f(phase.ackMs.p99)} ms, ` +
    `e2e p50 ${f(phase.endToEndMs.p50)} p99 ${f(phase.endToEndMs.p99)} ms, committed ${phase.committedPerSecond}/s, ` +
    `drain ${phase.drainMs} ms, refused ${phase.refused}, cpu/event ${JSON.stringify(phase.cpuMsPerEvent)}, ` +
    `load ${phase.loadAverage}${phase.sustained ? '' : ' NOT SUSTAINED'}`
  );
}

async function benchDesign(
  name: DesignName,
  stream: EventStream,
  context: Parameters<typeof startDesign>[1],
): Promise<DesignResult> {
  const loadBefore = loadAverage();
  const design = await startDesign(name, context);
  const sender = new Sender(design.url, BENCH_SECRET);
  const bench = new DesignBench(design, sender, stream);
  try {
    let next = 0;
    const warmup = await bench.offer(next, 100, CONFIG.warmupEvents / 100);
    next += warmup.events;
    log(`${name}: warmed up (${warmup.events} events, e2e p50 ${warmup.endToEndMs.p50.toFixed(1)} ms)`);

    const fixedFrom = next;
    const fixed = await bench.offer(next, CONFIG.fixedRate, CONFIG.fixedSeconds);
    fixed.loadAverage = loadAverage();
    next += fixed.events;
    log(describePhase(`${name}: fixed`, fixed));

    await bench.settle();
    const duplicates = await bench.duplicates(
      fixedFrom,
      fixed.events,
      CONFIG.duplicateEvents,
      CONFIG.fixedRate,
    );
    log(
      `${name}: duplicates ack p50 ${duplicates.ackMs.p50.toFixed(1)} p99 ${duplicates.ackMs.p99.toFixed(1)} ms, ` +
        `refused ${duplicates.refused}, ledger rows added ${duplicates.ledgerRowsAdded}`,
    );

    // Rising rates while the design keeps up; when it cannot even hold the fixed rate, falling
    // ones until it does. Each step starts with the backlog of the previous one cleared.
    const steps: PhaseResult[] = [];
    let knee = fixed.sustained ? fixed : undefined;
    for (const rate of fixed.sustained ? CONFIG.steps : CONFIG.stepsDown) {
      await bench.settle();
      const step = await bench.offer(next, rate, CONFIG.stepSeconds);
      step.loadAverage = loadAverage();
      next += step.events;
      steps.push(step);
      log(describePhase(`${name}: step`, step));
      if (fixed.sustained && !step.sustained) break;
      if (step.sustained) knee = step;
      if (!fixed.sustained && step.sustained) break;
    }
    const loss = await bench.lost(SETTLE_TIMEOUT_MS);
    log(
      `${name}: ${loss.acknowledged} acknowledged, ${loss.ledgerRows} ledger rows, ${loss.missing} missing`,
    );
    return {
      name,
      fixed,
      duplicates,
      steps,
      knee,
      loss,
      loadAverage: { before: loadBefore, after: loadAverage() },
    };
  } finally {
    sender.close();
    await bench.close();
    await design.stop();
  }
}

async function postgresVersion(): Promise<string> {
  const sql = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ version: string }[]>`select split_part(version(), ' ', 2) as version`;
    return `PostgreSQL ${row?.version ?? '?'}`;
  } finally {
    await sql.end();
  }
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  log(`load average ${loadAverage()}; building`);
  const environment = await startBenchEnvironment('bench');
  const stream = new EventStream();
  const designs: BenchReport['designs'] = {};
  try {
    for (const name of CONFIG.designs) designs[name] = await benchDesign(name, stream, environment.context);
  } finally {
    await environment.stop();
  }

  const cli = findOrBuildTemporalCli();
  const report: BenchReport = {
    startedAt,
    command: 'npm run bench',
    machine: {
      cores: cpus().length,
      node: process.versions.node,
      postgres: await postgresVersion(),
      temporalCli: cli ? execFileSync(cli.path, ['--version'], { encoding: 'utf8' }).trim() : 'SDK download',
    },
    config: { ...CONFIG, devServer: environment.devServer, temporalEnv: environment.context.env },
    designs,
    targets: checkTargets(designs),
  };
  mkdirSync(path.dirname(CONFIG.out), { recursive: true });
  await writeReport(`${CONFIG.out}.json`, report);
  console.log(renderMarkdown(report));
  log(`report written to ${CONFIG.out}.json and .md`);
}

/**
 * `tsx bench/run.ts --render report.json`: the Markdown again from a saved JSON report, with the
 * sustained verdicts and knees recomputed by today's isSustained (a stricter rule needs no re-run:
 * the steps after the first failure were never needed).
 */
async function render(file: string): Promise<void> {
  const report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
  for (const design of Object.values(report.designs)) {
    const phases = [design.fixed, ...design.steps];
    for (const phase of phases) phase.sustained = isSustained(phase);
    const upward = design.fixed.sustained;
    const firstFailure = design.steps.findIndex((step) => !step.sustained);
    design.knee = upward
      ? [design.fixed, ...design.steps.slice(0, firstFailure === -1 ? undefined : firstFailure)].at(-1)
      : design.steps.find((step) => step.sustained);
  }
  report.targets = checkTargets(report.designs);
  await writeReport(file, report);
}

/** report.json and report.md, formatted as `npm run format:check` expects of committed files. */
async function writeReport(jsonFile: string, report: BenchReport): Promise<void> {
  const mdFile = jsonFile.replace(/\.json$/, '.md');
  const options = (await prettier.resolveConfig(jsonFile)) ?? {};
  writeFileSync(jsonFile, await prettier.format(JSON.stringify(report), { ...options, parser: 'json' }));
  writeFileSync(mdFile, await prettier.format(renderMarkdown(report), { ...options, parser: 'markdown' }));
}

(process.argv[2] === '--render' ? render(process.argv[3] ?? `${CONFIG.out}.json`) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});

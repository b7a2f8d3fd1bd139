/**
 * `npm run bench`: the Temporal pipeline (the combined process on the dev server and on a real
 * cluster, temporal-server on Postgres with mTLS; separate ingress and worker on the dev server),
 * against the two designs a user would otherwise pick (inline and a BullMQ queue), on this machine,
 * through real processes; then the payload codec's cost on the cluster.
 * The report goes to bench/results/report.json and report.md. See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import prettier from 'prettier';
import { findOrBuildTemporalCli } from '../dev/temporal-cli';
import { ADMIN_DATABASE_URL } from '../test/helpers/db';
import { benchDesign } from './lib/bench-design';
import { startClusterTarget } from './lib/cluster-target';
import { measureCodecCost } from './lib/codec-cost';
import type { CodecCost } from './lib/codec-cost';
import { DESIGNS } from './lib/designs';
import type { DesignName } from './lib/designs';
import { startBenchEnvironment } from './lib/environment';
import { isSustained } from './lib/phases';
import { loadAverage } from './lib/proc';
import { checkTargets, renderMarkdown } from './lib/report';
import type { BenchReport } from './lib/report-types';
import { EventStream } from './lib/stream';

const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const CONFIG = {
  designs: env('BENCH_DESIGNS', DESIGNS.join(',')).split(',') as DesignName[],
  /** The codec on vs off, on the cluster: a moderate rate each design keeps up with. */
  codec: env('BENCH_CODEC', '1') === '1',
  codecRate: Number(env('BENCH_CODEC_RATE', '10')),
  codecSeconds: Number(env('BENCH_CODEC_SECONDS', '20')),
  warmupEvents: Number(env('BENCH_WARMUP_EVENTS', '300')),
  /** Issue 12's targets are set at 100 events/s. */
  fixedRate: Number(env('BENCH_RATE', '100')),
  fixedSeconds: Number(env('BENCH_SECONDS', '10')),
  duplicateEvents: Number(env('BENCH_DUPLICATES', '1000')),
  steps: env('BENCH_STEPS', '150,200,300,400,500,650,800,1000,1250,1500')
    .split(',')
    .filter(Boolean)
    .map(Number),
  stepsDown: env('BENCH_STEPS_DOWN', '75,50,35,25,15,10,5').split(',').filter(Boolean).map(Number),
  stepSeconds: Number(env('BENCH_STEP_SECONDS', '10')),
  /** A webhook flood above the sustained rate; BENCH_BURST=0 skips it. */
  burstDesigns: env('BENCH_BURST', '1') === '1' ? env('BENCH_BURST_DESIGNS', 'temporal').split(',') : [],
  burstEvents: Number(env('BENCH_BURST_EVENTS', '20000')),
  burstRate: Number(env('BENCH_BURST_RATE', '300')),
  actionsSample: Number(env('BENCH_ACTIONS_SAMPLE', '50')),
  out: env('BENCH_OUT', path.join(__dirname, 'results', 'report')),
};

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
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
  const designs: BenchReport['designs'] = {};
  let codec: CodecCost | undefined;
  let clusterIdleCpuMsPerSecond: number | undefined;
  const { context } = environment;
  try {
    for (const name of CONFIG.designs) {
      // The same events in the same order for every design, under ids of its own: temporal and
      // temporal-split share the dev server's namespace, which remembers every workflow id, so the
      // second would find each event already started and never process it.
      const stream = new EventStream();
      if (name !== 'temporal-cluster') {
        designs[name] = await benchDesign(name, stream, context, CONFIG, log);
        continue;
      }
      // Started for its design and the codec measurement only, so it costs the others nothing.
      const cluster = await startClusterTarget(context.logDir, log);
      clusterIdleCpuMsPerSecond = cluster.idleCpuMsPerSecond;
      try {
        designs[name] = await benchDesign(name, stream, { ...context, cluster }, CONFIG, log);
        if (CONFIG.codec)
          codec = await measureCodecCost({ ...context, cluster }, CONFIG.codecRate, CONFIG.codecSeconds, log);
      } finally {
        await cluster.stop();
      }
    }
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
    ...(codec ? { codec } : {}),
    ...(clusterIdleCpuMsPerSecond !== undefined ? { clusterIdleCpuMsPerSecond } : {}),
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

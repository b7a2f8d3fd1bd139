/** Turns the measurements into the report: targets checked on the Temporal designs, designs side by side. */
import { DESIGNS } from './designs';
import { renderBrokerWork, renderBurst, renderCapacity } from './report-capacity';
import { renderCodecCost, renderInside } from './report-sections';
import { appCpu, brokerCpu, cpu, totalCpu } from './roles';
import { labelOf } from './labels';
import type { BenchReport, DesignResult, Target } from './report-types';
import { round } from './stats';

/**
 * The temporal-cluster design's CPU per event over all processes in the previous report, the
 * baseline of issue 12's "at least halve it": bench/results/report.json on main (run
 * 2026-12-03T06:32:14Z, commit a2a524e), its fixed phase at 200 ev/s offered with separate ingress
 * and worker: ingress 4.735 + worker 26.09 + temporal-server 52.026 + Postgres 2.34 ms.
 */
export const PREVIOUS_CLUSTER_CPU_MS_PER_EVENT = 85.191;

const fmt = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? '–' : String(round(value, digits));

/** The fixed phase's offered rate: the same for every design of a run. */
export function fixedRateOf(designs: BenchReport['designs']): number | undefined {
  return Object.values(designs).find(Boolean)?.fixed.offeredRate;
}

type TargetSpec = [
  string,
  string,
  (d: DesignResult, queue?: DesignResult) => number | undefined,
  (v: number) => boolean,
];

function targetSpecs(rate: number | undefined): TargetSpec[] {
  const at = `at ${rate ?? '?'} ev/s`;
  return [
    [`ack p99 ${at} (ms)`, '≤ 50', (d) => d.fixed.ackMs.p99, (v) => v <= 50],
    [`end-to-end p99 ${at} (ms)`, '≤ 500', (d) => d.fixed.endToEndMs.p99, (v) => v <= 500],
    ['sustained end to end (ev/s)', '≥ 100', (d) => d.knee?.offeredRate ?? 0, (v) => v >= 100],
    ['sustained end to end, earlier goal (ev/s)', '≥ 300', (d) => d.knee?.offeredRate ?? 0, (v) => v >= 300],
    ['duplicate ack p99 (ms)', '≤ 20', (d) => d.duplicates.ackMs.p99, (v) => v <= 20],
    [`CPU per event, all processes, ${at} (ms)`, '≤ 15', (d) => totalCpu(d.fixed), (v) => v <= 15],
    ['ingress CPU per event (ms)', '≤ 0.5', (d) => d.fixed.cpuMsPerEvent.ingress, (v) => v <= 0.5],
    [
      'ack p99 ÷ queue design ack p99',
      '≤ 2',
      (d, q) => q && d.fixed.ackMs.p99 / q.fixed.ackMs.p99,
      (v) => v <= 2,
    ],
    ['burst: events not acknowledged', '0', (d) => d.burst?.refused, (v) => v === 0],
    ['burst: ack p99 (ms)', '≤ 1000', (d) => d.burst?.ackMs.p99, (v) => v <= 1000],
    ['burst: lost', '0', (d) => d.burst?.lost, (v) => v === 0],
    ['burst: doubled', '0', (d) => d.burst?.doubled, (v) => v === 0],
    [
      `cluster: CPU per event ÷ previous run's ${PREVIOUS_CLUSTER_CPU_MS_PER_EVENT} ms`,
      '≤ 0.5',
      (d) =>
        d.name === 'temporal-cluster' ? totalCpu(d.fixed) / PREVIOUS_CLUSTER_CPU_MS_PER_EVENT : undefined,
      (v) => v <= 0.5,
    ],
  ];
}

export function checkTargets(designs: BenchReport['designs']): Target[] {
  const judge = (design: DesignResult | undefined, pick: TargetSpec[2], ok: TargetSpec[3]) => {
    const value = design && pick(design, designs.queue);
    const valid = value !== undefined && !Number.isNaN(value);
    return { value: valid ? round(value, 2) : undefined, met: valid ? ok(value) : undefined };
  };
  return targetSpecs(fixedRateOf(designs)).map(([name, limit, pick, ok]) => {
    const dev = judge(designs.temporal, pick, ok);
    const split = judge(designs['temporal-split'], pick, ok);
    const cluster = judge(designs['temporal-cluster'], pick, ok);
    return {
      name,
      limit,
      ...dev,
      splitValue: split.value,
      splitMet: split.met,
      clusterValue: cluster.value,
      clusterMet: cluster.met,
    };
  });
}

type Row = [string, (design: DesignResult) => number | undefined, number?];

function rows(rate: number | undefined): Row[] {
  const at = `at ${rate ?? '?'} ev/s`;
  return [
    [`ack p50 ${at} (ms)`, (d) => d.fixed.ackMs.p50],
    [`ack p99 ${at} (ms)`, (d) => d.fixed.ackMs.p99],
    [`end-to-end p50 ${at} (ms)`, (d) => d.fixed.endToEndMs.p50],
    [`end-to-end p99 ${at} (ms)`, (d) => d.fixed.endToEndMs.p99],
    ['duplicate ack p50 (ms)', (d) => d.duplicates.ackMs.p50],
    ['duplicate ack p99 (ms)', (d) => d.duplicates.ackMs.p99],
    ['sustained, zero loss (ev/s offered)', (d) => d.knee?.offeredRate],
    ['at the knee: ack p50 (ms)', (d) => d.knee?.ackMs.p50],
    ['at the knee: ack p99 (ms)', (d) => d.knee?.ackMs.p99],
    ['at the knee: end-to-end p50 (ms)', (d) => d.knee?.endToEndMs.p50],
    ['at the knee: end-to-end p99 (ms)', (d) => d.knee?.endToEndMs.p99],
    [`ingress CPU per event ${at} (ms)`, (d) => cpu(d, 'ingress'), 3],
    [`worker CPU per event ${at} (ms)`, (d) => cpu(d, 'worker'), 3],
    [`combined process CPU per event ${at} (ms)`, (d) => cpu(d, 'combined'), 3],
    ["the design's own processes: CPU per event (ms)", appCpu, 3],
    ['broker CPU per event: dev server, temporal-server, Redis (ms)', brokerCpu, 3],
    ["Postgres CPU per event: the design's backends (ms)", (d) => cpu(d, 'postgres'), 3],
    ['CPU per event, all of the above (ms)', (d) => totalCpu(d.fixed), 3],
    ['at the knee: CPU per event, all processes (ms)', (d) => d.knee && totalCpu(d.knee), 3],
    ['ingress RSS, steady (MiB)', (d) => d.fixed.rssMiB.ingress?.median, 0],
    ['worker RSS, steady (MiB)', (d) => d.fixed.rssMiB.worker?.median, 0],
    ['combined process RSS, steady (MiB)', (d) => d.fixed.rssMiB.combined?.median, 0],
  ];
}

export function renderMarkdown(report: BenchReport): string {
  const present = DESIGNS.filter((name) => report.designs[name]).map((name) => report.designs[name]!);
  const queue = report.designs.queue;
  const temporalOnes = present.filter((d) => d.name.startsWith('temporal'));
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 || Number.isNaN(a / b) ? '–' : `${round(a / b, 2)}×`;
  const lines = [
    '# Benchmark: the Temporal pipeline (combined and split, dev server and cluster) vs inline vs queue',
    '',
    `Run ${report.startedAt} with \`${report.command}\` on ${report.machine.cores} cores, Node ${report.machine.node}, ` +
      `${report.machine.postgres}, Temporal CLI ${report.machine.temporalCli}. Everything co-located: dev server, ` +
      'cluster (temporal-server v1.29.1 on Postgres, mTLS), Postgres, Redis, every process of each design and the load generator.',
    '',
    `| | ${present.map(labelOf).join(' | ')} | ${temporalOnes.map((d) => `${labelOf(d)} ÷ queue`).join(' | ')} |`,
    `| --- | ${present.map(() => '---:').join(' | ')} | ${temporalOnes.map(() => '---:').join(' | ')} |`,
  ];
  for (const [label, pick, digits] of rows(fixedRateOf(report.designs))) {
    const values = present.map((d) => fmt(pick(d), digits));
    const ratios = temporalOnes.map((d) => ratio(pick(d), queue && pick(queue)));
    lines.push(`| ${label} | ${values.join(' | ')} | ${ratios.join(' | ')} |`);
  }
  const verdict = (met: boolean | undefined) =>
    met === undefined ? 'not measured' : met ? 'met' : '**missed**';
  lines.push(
    '',
    '| Target | limit | dev server, combined | | dev server, split | | cluster, combined | |',
    '| --- | --- | ---: | --- | ---: | --- | ---: | --- |',
  );
  for (const t of report.targets) {
    lines.push(
      `| ${t.name} | ${t.limit} | ${fmt(t.value, 2)} | ${verdict(t.met)} | ${fmt(t.splitValue, 2)} | ${verdict(t.splitMet)} | ` +
        `${fmt(t.clusterValue, 2)} | ${verdict(t.clusterMet)} |`,
    );
  }
  lines.push('', '## Steps', '');
  lines.push(
    '| design | offered ev/s | committed ev/s | ack p50 ms | ack p99 ms | e2e p50 ms | e2e p99 ms | drain ms | refused | sustained | load |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  for (const design of present) {
    for (const step of [design.fixed, ...design.steps]) {
      lines.push(
        `| ${design.name} | ${step.offeredRate} | ${fmt(step.committedPerSecond)} | ${fmt(step.ackMs.p50)} | ${fmt(step.ackMs.p99)} | ` +
          `${fmt(step.endToEndMs.p50)} | ${fmt(step.endToEndMs.p99)} | ${fmt(step.drainMs, 0)} | ${step.refused} | ` +
          `${step.sustained ? 'yes' : 'no'} | ${step.loadAverage ?? ''} |`,
      );
    }
  }
  lines.push('', '## Loss and duplicates', '');
  for (const design of present) {
    lines.push(
      `- ${design.name}: ${design.loss.acknowledged} acknowledged, ${design.loss.ledgerRows} ledger rows, ` +
        `${design.loss.missing} missing; ${design.duplicates.events} duplicate deliveries added ` +
        `${design.duplicates.ledgerRowsAdded} rows; load average ${design.loadAverage.before} → ${design.loadAverage.after}.`,
    );
  }
  lines.push(
    ...renderBurst(present),
    ...renderBrokerWork(present),
    ...renderCapacity(report.designs),
    ...renderInside(report.designs['temporal-cluster'], report.clusterIdleCpuMsPerSecond),
    ...renderCodecCost(report.codec),
  );
  lines.push(
    '',
    'Ack: POST → 200. End to end: POST → the ledger row visible to another connection (polled, a few ms of',
    'granularity). Sustained: over a 10 s step, every POST answered 200, end-to-end p99 ≤ 2 s and the backlog',
    'cleared within 2 s of the last send; "sustained" is the highest such rate before the first failure (or,',
    'when the fixed rate failed, the first such rate going down). CPU: utime + stime of the process from',
    '/proc, until every event of the phase was committed, divided by its events; Postgres: the backends',
    "connected to the design's databases (the cluster's too), not the server's shared background processes.",
    'Load: /proc/loadavg (1, 5, 15 min) right after the step; the machine was shared with other jobs.',
    '',
  );
  return lines.join('\n');
}

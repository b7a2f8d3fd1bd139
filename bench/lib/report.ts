/** Turns the measurements into the report: targets checked on the Temporal designs, designs side by side. */
import type { CodecCost } from './codec-cost';
import { DESIGNS } from './designs';
import type { DesignName } from './designs';
import type { DuplicateResult, PhaseResult } from './phases';
import type { PostgresActivity } from './postgres-stats';
import { renderCodecCost, renderInside } from './report-sections';
import { round } from './stats';
import type { ClusterTimeReport } from './temporal-metrics';

export interface DesignResult {
  name: DesignName;
  fixed: PhaseResult;
  duplicates: DuplicateResult;
  steps: PhaseResult[];
  /** The highest sustained step (or the fixed rate), undefined when even that was not sustained. */
  knee: PhaseResult | undefined;
  loss: { acknowledged: number; missing: number; ledgerRows: number };
  loadAverage: { before: string; after: string };
  /** The cluster during the fixed phase, from Temporal's metrics and Postgres's statistics. */
  inside?: { temporal: ClusterTimeReport; postgres: PostgresActivity };
}

export interface BenchReport {
  startedAt: string;
  command: string;
  machine: { cores: number; node: string; postgres: string; temporalCli: string };
  config: Record<string, unknown>;
  designs: Partial<Record<DesignName, DesignResult>>;
  targets: Target[];
  codec?: CodecCost;
  /** temporal-server's CPU with no events (ms per second), part of every figure per event. */
  clusterIdleCpuMsPerSecond?: number;
}

export interface Target {
  name: string;
  limit: string;
  /** On the dev server (the `temporal` design). */
  value: number | undefined;
  met: boolean | undefined;
  /** On the cluster (`temporal-cluster`). */
  clusterValue?: number | undefined;
  clusterMet?: boolean | undefined;
}

const LABELS: Record<DesignName, string> = {
  temporal: 'temporal, dev server',
  'temporal-cluster': 'temporal, cluster',
  queue: 'queue (BullMQ)',
  inline: 'inline',
};

const fmt = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? '–' : String(round(value, digits));

const TARGETS: [
  string,
  string,
  (d: DesignResult, queue?: DesignResult) => number | undefined,
  (v: number) => boolean,
][] = [
  ['ack p99 at 200 ev/s (ms)', '≤ 50', (d) => d.fixed.ackMs.p99, (v) => v <= 50],
  ['end-to-end p99 at 200 ev/s (ms)', '≤ 500', (d) => d.fixed.endToEndMs.p99, (v) => v <= 500],
  ['sustained end to end (ev/s)', '≥ 300', (d) => d.knee?.offeredRate ?? 0, (v) => v >= 300],
  ['duplicate ack p99 (ms)', '≤ 20', (d) => d.duplicates.ackMs.p99, (v) => v <= 20],
  ['ingress CPU per event (ms)', '≤ 0.5', (d) => d.fixed.cpuMsPerEvent.ingress, (v) => v <= 0.5],
  [
    'ack p99 ÷ queue design ack p99',
    '≤ 2',
    (d, q) => q && d.fixed.ackMs.p99 / q.fixed.ackMs.p99,
    (v) => v <= 2,
  ],
];

export function checkTargets(designs: BenchReport['designs']): Target[] {
  const judge = (
    design: DesignResult | undefined,
    pick: (typeof TARGETS)[number][2],
    ok: (v: number) => boolean,
  ) => {
    const value = design && pick(design, designs.queue);
    const valid = value !== undefined && !Number.isNaN(value);
    return { value: valid ? round(value, 2) : undefined, met: valid ? ok(value) : undefined };
  };
  return TARGETS.map(([name, limit, pick, ok]) => {
    const dev = judge(designs.temporal, pick, ok);
    const cluster = judge(designs['temporal-cluster'], pick, ok);
    return { name, limit, ...dev, clusterValue: cluster.value, clusterMet: cluster.met };
  });
}

type Row = [string, (design: DesignResult) => number | undefined, number?];
const cpu = (d: DesignResult, role: string) => d.fixed.cpuMsPerEvent[role];

const ROWS: Row[] = [
  ['ack p50 at 200 ev/s (ms)', (d) => d.fixed.ackMs.p50],
  ['ack p99 at 200 ev/s (ms)', (d) => d.fixed.ackMs.p99],
  ['end-to-end p50 at 200 ev/s (ms)', (d) => d.fixed.endToEndMs.p50],
  ['end-to-end p99 at 200 ev/s (ms)', (d) => d.fixed.endToEndMs.p99],
  ['duplicate ack p50 (ms)', (d) => d.duplicates.ackMs.p50],
  ['duplicate ack p99 (ms)', (d) => d.duplicates.ackMs.p99],
  ['sustained, zero loss (ev/s offered)', (d) => d.knee?.offeredRate],
  ['at the knee: ack p50 (ms)', (d) => d.knee?.ackMs.p50],
  ['at the knee: ack p99 (ms)', (d) => d.knee?.ackMs.p99],
  ['at the knee: end-to-end p50 (ms)', (d) => d.knee?.endToEndMs.p50],
  ['at the knee: end-to-end p99 (ms)', (d) => d.knee?.endToEndMs.p99],
  ['ingress CPU per event at 200 ev/s (ms)', (d) => cpu(d, 'ingress'), 3],
  ['worker CPU per event at 200 ev/s (ms)', (d) => cpu(d, 'worker'), 3],
  [
    'broker CPU per event: dev server, temporal-server, Redis (ms)',
    (d) => cpu(d, 'devServer') ?? cpu(d, 'temporalServer') ?? cpu(d, 'redis'),
    3,
  ],
  ["Postgres CPU per event: the design's backends (ms)", (d) => cpu(d, 'postgres'), 3],
  [
    'CPU per event, all of the above (ms)',
    (d) => Object.values(d.fixed.cpuMsPerEvent).reduce((a, b) => a + b, 0),
    3,
  ],
  [
    'at the knee: CPU per event, all processes (ms)',
    (d) => d.knee && Object.values(d.knee.cpuMsPerEvent).reduce((a, b) => a + b, 0),
    3,
  ],
  ['ingress RSS, steady (MiB)', (d) => d.fixed.rssMiB.ingress?.median, 0],
  ['worker RSS, steady (MiB)', (d) => d.fixed.rssMiB.worker?.median, 0],
];

export function renderMarkdown(report: BenchReport): string {
  const present = DESIGNS.filter((name) => report.designs[name]).map((name) => report.designs[name]!);
  const queue = report.designs.queue;
  const temporalOnes = present.filter((d) => d.name.startsWith('temporal'));
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 || Number.isNaN(a / b) ? '–' : `${round(a / b, 2)}×`;
  const lines = [
    '# Benchmark: the Temporal pipeline (dev server and cluster) vs inline vs queue',
    '',
    `Run ${report.startedAt} with \`${report.command}\` on ${report.machine.cores} cores, Node ${report.machine.node}, ` +
      `${report.machine.postgres}, Temporal CLI ${report.machine.temporalCli}. Everything co-located: dev server, ` +
      'cluster (temporal-server v1.29.1 on Postgres, mTLS), Postgres, Redis, every process of each design and the load generator.',
    '',
    `| | ${present.map((d) => LABELS[d.name]).join(' | ')} | ${temporalOnes.map((d) => `${LABELS[d.name]} ÷ queue`).join(' | ')} |`,
    `| --- | ${present.map(() => '---:').join(' | ')} | ${temporalOnes.map(() => '---:').join(' | ')} |`,
  ];
  for (const [label, pick, digits] of ROWS) {
    const values = present.map((d) => fmt(pick(d), digits));
    const ratios = temporalOnes.map((d) => ratio(pick(d), queue && pick(queue)));
    lines.push(`| ${label} | ${values.join(' | ')} | ${ratios.join(' | ')} |`);
  }
  const verdict = (met: boolean | undefined) =>
    met === undefined ? 'not measured' : met ? 'met' : '**missed**';
  lines.push('', '| Target | limit | dev server | | cluster | |', '| --- | --- | ---: | --- | ---: | --- |');
  for (const t of report.targets) {
    lines.push(
      `| ${t.name} | ${t.limit} | ${fmt(t.value, 2)} | ${verdict(t.met)} | ${fmt(t.clusterValue, 2)} | ${verdict(t.clusterMet)} |`,
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

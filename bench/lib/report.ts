/** Turns the measurements into the report: targets checked on the Temporal design, ratios side by side. */
import type { DesignName } from './designs';
import type { DuplicateResult, PhaseResult } from './phases';
import { round } from './stats';

export interface DesignResult {
  name: DesignName;
  fixed: PhaseResult;
  duplicates: DuplicateResult;
  steps: PhaseResult[];
  /** The highest sustained step (or the fixed rate), undefined when even that was not sustained. */
  knee: PhaseResult | undefined;
  loss: { acknowledged: number; missing: number; ledgerRows: number };
  loadAverage: { before: string; after: string };
}

export interface BenchReport {
  startedAt: string;
  command: string;
  machine: { cores: number; node: string; postgres: string; temporalCli: string };
  config: Record<string, unknown>;
  designs: Partial<Record<DesignName, DesignResult>>;
  targets: Target[];
}

export interface Target {
  name: string;
  limit: string;
  value: number | undefined;
  met: boolean | undefined;
}

const fmt = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? '–' : String(round(value, digits));

export function checkTargets(designs: BenchReport['designs']): Target[] {
  const temporal = designs.temporal;
  const queue = designs.queue;
  const target = (name: string, limit: string, value: number | undefined, ok: (v: number) => boolean) => ({
    name,
    limit,
    value: value === undefined ? undefined : round(value, 2),
    met: value === undefined || Number.isNaN(value) ? undefined : ok(value),
  });
  const ackRatio = temporal && queue ? temporal.fixed.ackMs.p99 / queue.fixed.ackMs.p99 : undefined;
  return [
    target('ack p99 at 200 ev/s (ms)', '≤ 50', temporal?.fixed.ackMs.p99, (v) => v <= 50),
    target('end-to-end p99 at 200 ev/s (ms)', '≤ 500', temporal?.fixed.endToEndMs.p99, (v) => v <= 500),
    target('sustained end to end (ev/s)', '≥ 300', temporal?.knee?.offeredRate ?? 0, (v) => v >= 300),
    target('duplicate ack p99 (ms)', '≤ 20', temporal?.duplicates.ackMs.p99, (v) => v <= 20),
    target('ingress CPU per event (ms)', '≤ 0.5', temporal?.fixed.cpuMsPerEvent.ingress, (v) => v <= 0.5),
    target('ack p99 ÷ queue design ack p99', '≤ 2', ackRatio, (v) => v <= 2),
  ];
}

type Row = [string, (design: DesignResult) => number | undefined, number?];

const ROWS: Row[] = [
  ['ack p50 at 200 ev/s (ms)', (d) => d.fixed.ackMs.p50],
  ['ack p99 at 200 ev/s (ms)', (d) => d.fixed.ackMs.p99],
  ['end-to-end p50 at 200 ev/s (ms)', (d) => d.fixed.endToEndMs.p50],
  ['end-to-end p99 at 200 ev/s (ms)', (d) => d.fixed.endToEndMs.p99],
  ['duplicate ack p50 (ms)', (d) => d.duplicates.ackMs.p50],
  ['duplicate ack p99 (ms)', (d) => d.duplicates.ackMs.p99],
  ['sustained, zero loss (ev/s offered)', (d) => d.knee?.offeredRate],
  ['at the knee: ack p99 (ms)', (d) => d.knee?.ackMs.p99],
  ['at the knee: end-to-end p99 (ms)', (d) => d.knee?.endToEndMs.p99],
  ['ingress CPU per event at 200 ev/s (ms)', (d) => d.fixed.cpuMsPerEvent.ingress, 3],
  ['worker CPU per event at 200 ev/s (ms)', (d) => d.fixed.cpuMsPerEvent.worker, 3],
  [
    'broker CPU per event at 200 ev/s (ms)',
    (d) => d.fixed.cpuMsPerEvent.devServer ?? d.fixed.cpuMsPerEvent.redis,
    3,
  ],
  [
    'CPU per event, all of the above (ms)',
    (d) => Object.values(d.fixed.cpuMsPerEvent).reduce((sum, value) => sum + value, 0),
    3,
  ],
  ['ingress RSS, steady (MiB)', (d) => d.fixed.rssMiB.ingress?.median, 0],
  ['worker RSS, steady (MiB)', (d) => d.fixed.rssMiB.worker?.median, 0],
];

export function renderMarkdown(report: BenchReport): string {
  const { temporal, queue, inline } = report.designs;
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 || Number.isNaN(a / b) ? '–' : `${round(a / b, 2)}×`;
  const lines = [
    '# Benchmark: Temporal pipeline vs inline vs queue',
    '',
    `Run ${report.startedAt} with \`${report.command}\` on ${report.machine.cores} cores, Node ${report.machine.node}, ` +
      `${report.machine.postgres}, Temporal CLI ${report.machine.temporalCli}. Everything co-located: dev server, ` +
      'Postgres, Redis, every process of each design and the load generator.',
    '',
    '| | temporal | queue (BullMQ) | inline | temporal ÷ queue | temporal ÷ inline |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [label, pick, digits] of ROWS) {
    const [t, q, i] = [temporal, queue, inline].map((design) => (design ? pick(design) : undefined));
    lines.push(
      `| ${label} | ${fmt(t, digits)} | ${fmt(q, digits)} | ${fmt(i, digits)} | ${ratio(t, q)} | ${ratio(t, i)} |`,
    );
  }
  lines.push('', '| Target (temporal design) | limit | measured | |', '| --- | --- | ---: | --- |');
  for (const target of report.targets) {
    const verdict = target.met === undefined ? 'not measured' : target.met ? 'met' : '**missed**';
    lines.push(`| ${target.name} | ${target.limit} | ${fmt(target.value, 2)} | ${verdict} |`);
  }
  lines.push('', '## Steps', '');
  lines.push(
    '| design | offered ev/s | committed ev/s | ack p99 ms | e2e p50 ms | e2e p99 ms | drain ms | refused | sustained | load |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  for (const design of [temporal, queue, inline]) {
    if (!design) continue;
    for (const step of [design.fixed, ...design.steps]) {
      lines.push(
        `| ${design.name} | ${step.offeredRate} | ${fmt(step.committedPerSecond)} | ${fmt(step.ackMs.p99)} | ` +
          `${fmt(step.endToEndMs.p50)} | ${fmt(step.endToEndMs.p99)} | ${fmt(step.drainMs, 0)} | ${step.refused} | ` +
          `${step.sustained ? 'yes' : 'no'} | ${step.loadAverage ?? ''} |`,
      );
    }
  }
  lines.push('', '## Loss and duplicates', '');
  for (const design of [temporal, queue, inline]) {
    if (!design) continue;
    lines.push(
      `- ${design.name}: ${design.loss.acknowledged} acknowledged, ${design.loss.ledgerRows} ledger rows, ` +
        `${design.loss.missing} missing; ${design.duplicates.events} duplicate deliveries added ` +
        `${design.duplicates.ledgerRowsAdded} rows; load average ${design.loadAverage.before} → ${design.loadAverage.after}.`,
    );
  }
  lines.push(
    '',
    'Ack: POST → 200. End to end: POST → the ledger row visible to another connection (polled, a few ms of',
    'granularity). Sustained: over a 10 s step, every POST answered 200, end-to-end p99 ≤ 2 s and the backlog',
    'cleared within 2 s of the last send; "sustained" is the highest such rate before the first failure (or,',
    'when the fixed rate failed, the first such rate going down). CPU: utime + stime of the process from',
    '/proc, until every event of the phase was committed, divided by its events. Load: /proc/loadavg',
    '(1, 5, 15 min) right after the step; the machine was shared with other jobs.',
    'The broker is the Temporal dev server for temporal and the shared local Redis for queue.',
    '',
  );
  return lines.join('\n');
}

/** The report's sections beyond the comparison: where the cluster's time goes, and the codec's cost. */
import type { CodecCost } from './codec-cost';
import type { DesignResult } from './report-types';
import type { OperationCost } from './temporal-metrics';

const table = (title: string, rows: OperationCost[]): string[] =>
  rows.length === 0
    ? []
    : [
        '',
        `| ${title} | calls per event | ms per event |`,
        '| --- | ---: | ---: |',
        ...rows.map((row) => `| ${row.operation} | ${row.callsPerEvent} | ${row.msPerEvent} |`),
      ];

export function renderInside(cluster: DesignResult | undefined, idleCpuMsPerSecond?: number): string[] {
  const inside = cluster?.inside;
  if (!inside) return [];
  const { temporal, postgres } = inside;
  const lines = [
    '',
    `## Where the time goes on the cluster (fixed phase, ${temporal.events} events)`,
    '',
    "From temporal-server's Prometheus endpoint: time summed over calls (concurrent calls overlap, so",
    'these are latencies, not CPU), divided by the events. Long polls are left out.',
    ...table('persistence operation (Postgres)', temporal.persistence),
    ...table('visibility operation (Postgres)', temporal.visibility),
    ...table('service RPC', temporal.rpcs),
    '',
    `Idle, temporal-server used ${idleCpuMsPerSecond ?? '–'} ms of CPU per second (its own housekeeping); ` +
      'at 10 events/s that is a tenth of that per event, included in the CPU figures above.',
    '',
    `History per workflow (history_size): ${temporal.historyBytesPerWorkflow ?? '–'} bytes.`,
    '',
    `Postgres: pg_stat_statements ${postgres.pgStatStatements === 'available' ? 'available' : `unavailable (${postgres.pgStatStatements})`}. ` +
      'Commits per event by database: ' +
      Object.entries(postgres.commitsPerEvent)
        .map(([database, commits]) => `${database} ${commits}`)
        .join(', ') +
      '.',
    '',
    '| table | rows written per event | scans per event |',
    '| --- | ---: | ---: |',
    ...postgres.tables.map((t) => `| ${t.table} | ${t.rowsWrittenPerEvent} | ${t.scansPerEvent} |`),
  ];
  if (postgres.statements) {
    lines.push('', '| statement | calls per event | ms per event |', '| --- | ---: | ---: |');
    for (const s of postgres.statements)
      lines.push(`| ${s.statement.replace(/\|/g, '\\|')} | ${s.callsPerEvent} | ${s.msPerEvent} |`);
  }
  return lines;
}

export function renderCodecCost(codec: CodecCost | undefined): string[] {
  if (!codec) return [];
  const [on, off] = ['on', 'off'].map((mode) => codec.runs.find((run) => run.mode === mode));
  if (!on || !off) return [];
  const roles = [...new Set([...Object.keys(on.cpuMsPerEvent), ...Object.keys(off.cpuMsPerEvent)])];
  const f = (value: number | undefined, digits = 3) => (value === undefined ? '–' : value.toFixed(digits));
  const perWorkflow = (run: typeof on, field: 'historyBytes' | 'payloadBytes') =>
    run.sampled.workflows > 0 ? run.sampled[field] / run.sampled.workflows : undefined;
  const micro = codec.codecMicroseconds;
  return [
    '',
    `## The payload codec's cost (cluster, ${codec.rate} ev/s for ${codec.seconds} s, on vs TEMPORAL_PAYLOAD_ENCRYPTION=off)`,
    '',
    '| per event | codec on | codec off | difference |',
    '| --- | ---: | ---: | ---: |',
    ...roles.map(
      (role) =>
        `| ${role} CPU (ms) | ${f(on.cpuMsPerEvent[role])} | ${f(off.cpuMsPerEvent[role])} | ` +
        `${f((on.cpuMsPerEvent[role] ?? 0) - (off.cpuMsPerEvent[role] ?? 0))} |`,
    ),
    `| history, Temporal's history_size (bytes) | ${f(on.historyBytesPerWorkflow, 0)} | ${f(off.historyBytesPerWorkflow, 0)} | ` +
      `${f((on.historyBytesPerWorkflow ?? 0) - (off.historyBytesPerWorkflow ?? 0), 0)} |`,
    `| history read back, ${on.sampled.workflows} workflows (bytes) | ${f(perWorkflow(on, 'historyBytes'), 0)} | ` +
      `${f(perWorkflow(off, 'historyBytes'), 0)} | ${f((perWorkflow(on, 'historyBytes') ?? 0) - (perWorkflow(off, 'historyBytes') ?? 0), 0)} |`,
    `| of which payloads (bytes) | ${f(perWorkflow(on, 'payloadBytes'), 0)} | ${f(perWorkflow(off, 'payloadBytes'), 0)} | ` +
      `${f((perWorkflow(on, 'payloadBytes') ?? 0) - (perWorkflow(off, 'payloadBytes') ?? 0), 0)} |`,
    '',
    `The codec alone, timed in the benchmark process on one event's ${micro.payloadsPerEvent} payloads (each is ` +
      `encoded once by its writer and decoded once by its reader): ${micro.encode} µs to encrypt and ` +
      `${micro.decode} µs to decrypt per event. Whole-process CPU differences below about 10 % are noise on this shared machine.`,
  ];
}

/**
 * Where the cluster's time goes, from Temporal's own Prometheus endpoint (the server's tally
 * metrics): scraped before and after a phase, the differences divided by its events. Three views:
 *
 * - persistence: every call the services make to Postgres (`persistence_latency` by operation);
 * - RPCs: the services' gRPC handlers (`service_latency` by service and operation), long polls
 *   left out (their latency is waiting for work, not work);
 * - history bytes per closed workflow (`history_size`), the store's own measure.
 */

/** `name{labels}` → value, for the counters and histogram sums and counts read here. */
export type MetricSamples = Map<string, number>;

const WANTED =
  /^(persistence_latency_(sum|count)|visibility_persistence_latency_(sum|count)|service_latency_(sum|count)|history_size_(sum|count))\{/;

export async function scrapeMetrics(url: string): Promise<MetricSamples> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const samples: MetricSamples = new Map();
  for (const line of (await response.text()).split('\n')) {
    if (!WANTED.test(line)) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

function labels(key: string): Record<string, string> {
  const body = key.slice(key.indexOf('{') + 1, key.lastIndexOf('}'));
  return Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
}

export interface OperationCost {
  operation: string;
  callsPerEvent: number;
  msPerEvent: number;
}

export interface ClusterTimeReport {
  events: number;
  persistence: OperationCost[];
  visibility: OperationCost[];
  rpcs: OperationCost[];
  /** Bytes of history per workflow closed during the phase. */
  historyBytesPerWorkflow: number | undefined;
}

/** Sum of (after − before) per group, for the `${metric}_sum` and `_count` series. */
function grouped(
  before: MetricSamples,
  after: MetricSamples,
  metric: string,
  groupOf: (labels: Record<string, string>) => string | undefined,
): Map<string, { sum: number; count: number }> {
  const groups = new Map<string, { sum: number; count: number }>();
  for (const [key, value] of after) {
    const kind = key.startsWith(`${metric}_sum{`)
      ? 'sum'
      : key.startsWith(`${metric}_count{`)
        ? 'count'
        : undefined;
    if (!kind) continue;
    const group = groupOf(labels(key));
    if (group === undefined) continue;
    const entry = groups.get(group) ?? { sum: 0, count: 0 };
    entry[kind] += value - (before.get(key) ?? 0);
    groups.set(group, entry);
  }
  return groups;
}

function top(
  groups: Map<string, { sum: number; count: number }>,
  events: number,
  limit = 8,
): OperationCost[] {
  return [...groups]
    .filter(([, { count }]) => count > 0)
    .map(([operation, { sum, count }]) => ({
      operation,
      callsPerEvent: Math.round((count / events) * 100) / 100,
      // tally's histograms are in seconds.
      msPerEvent: Math.round(((sum * 1000) / events) * 100) / 100,
    }))
    .sort((a, b) => b.msPerEvent - a.msPerEvent)
    .slice(0, limit);
}

export function clusterTime(before: MetricSamples, after: MetricSamples, events: number): ClusterTimeReport {
  const byOperation = (l: Record<string, string>) => l.operation;
  const rpcs = grouped(before, after, 'service_latency', (l) =>
    l.operation?.startsWith('Poll') ? undefined : `${l.service_name} ${l.operation}`,
  );
  const history = grouped(before, after, 'history_size', () => 'all').get('all');
  return {
    events,
    persistence: top(grouped(before, after, 'persistence_latency', byOperation), events),
    visibility: top(grouped(before, after, 'visibility_persistence_latency', byOperation), events, 4),
    rpcs: top(rpcs, events),
    historyBytesPerWorkflow:
      history && history.count > 0 ? Math.round(history.sum / history.count) : undefined,
  };
}

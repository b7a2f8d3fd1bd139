/**
 * What the payload codec costs per event: the Temporal design on the cluster run twice at the same
 * moderate rate, codec on and TEMPORAL_PAYLOAD_ENCRYPTION=off, comparing CPU per event by process
 * and bytes of history per workflow (Temporal's own `history_size`, and sampled histories read
 * back and measured); then the codec alone, timed in this process on those payloads, since a
 * difference of a fraction of a millisecond drowns in the noise of whole processes on 2 shared cores.
 */
import { randomBytes } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import type { Payload } from '@temporalio/common';
import { EncryptionCodec } from '../../common/payload-codec';
import { loadTemporalConfig } from '../../common/temporal-config';
import { connectClient } from '../../common/temporal-connection';
import type { ClusterTarget } from './cluster-target';
import { BENCH_SECRET, startDesign } from './designs';
import type { DesignContext } from './designs';
import { Sender } from './load';
import { DesignBench } from './phases';
import { clusterTime, scrapeMetrics } from './temporal-metrics';
import { EventStream } from './stream';

export interface CodecRun {
  mode: 'on' | 'off';
  events: number;
  cpuMsPerEvent: Record<string, number>;
  /** Temporal's history_size over the workflows of the phase. */
  historyBytesPerWorkflow: number | undefined;
  /** Histories read back: total encoded bytes, and the bytes and count of their payloads. */
  sampled: { workflows: number; historyBytes: number; payloadBytes: number; payloads: number };
}

export interface CodecCost {
  rate: number;
  seconds: number;
  runs: CodecRun[];
  /** The codec alone on one event's payloads, in this process: microseconds per event. */
  codecMicroseconds: { encode: number; decode: number; payloadsPerEvent: number };
}

const SAMPLE = 20;

/** Every `payloads` list in a history: the inputs and results the codec encodes. */
function payloadLists(value: unknown, found: Payload[][] = []): Payload[][] {
  if (Array.isArray(value)) value.forEach((item) => payloadLists(item, found));
  else if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'payloads' && Array.isArray(child)) found.push(child as Payload[]);
      else payloadLists(child, found);
    }
  }
  return found;
}

async function sampleHistories(cluster: ClusterTarget, ids: string[]) {
  const client = await connectClient(loadTemporalConfig({ ...process.env, ...cluster.env }));
  try {
    const sampled = { workflows: 0, historyBytes: 0, payloadBytes: 0, payloads: 0 };
    const lists: Payload[][][] = [];
    for (const workflowId of ids) {
      const { history } = await client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId },
      });
      if (!history) continue;
      const perEvent = payloadLists(history.events);
      sampled.workflows += 1;
      sampled.historyBytes += temporal.api.history.v1.History.encode(history).finish().length;
      for (const payload of perEvent.flat()) {
        sampled.payloads += 1;
        sampled.payloadBytes += temporal.api.common.v1.Payload.encode(payload).finish().length;
      }
      lists.push(perEvent);
    }
    return { sampled, lists };
  } finally {
    await client.connection.close();
  }
}

/**
 * Encode then decode each event's payload lists, `rounds` times over, after one round of warm-up:
 * CPU µs per event (process.cpuUsage, so time other jobs take from this process is not counted).
 */
async function timeCodec(lists: Payload[][][], rounds = 200) {
  const codec = new EncryptionCodec([{ id: 'codec-bench', key: randomBytes(32) }]);
  const payloads = lists.flat();
  const encoded = await Promise.all(payloads.map((list) => codec.encode(list)));
  await Promise.all(encoded.map((list) => codec.decode(list)));
  const cpuMicros = async (work: () => Promise<unknown>) => {
    const before = process.cpuUsage();
    for (let round = 0; round < rounds; round++) await work();
    const { user, system } = process.cpuUsage(before);
    return Math.round(((user + system) / (rounds * lists.length)) * 10) / 10;
  };
  return {
    encode: await cpuMicros(async () => {
      for (const list of payloads) await codec.encode(list);
    }),
    decode: await cpuMicros(async () => {
      for (const list of encoded) await codec.decode(list);
    }),
    payloadsPerEvent: Math.round((lists.flat(2).length / lists.length) * 10) / 10,
  };
}

export async function measureCodecCost(
  context: DesignContext & { cluster: ClusterTarget },
  rate: number,
  seconds: number,
  log: (line: string) => void,
): Promise<CodecCost> {
  const runs: CodecRun[] = [];
  let plaintextLists: Payload[][][] = [];
  for (const mode of ['on', 'off'] as const) {
    // Off means no keys at all: the loader refuses keys next to TEMPORAL_PAYLOAD_ENCRYPTION=off.
    const codecEnv: Record<string, string> =
      mode === 'on'
        ? {}
        : { TEMPORAL_PAYLOAD_ENCRYPTION: 'off', TEMPORAL_PAYLOAD_KEYS: '', TEMPORAL_PAYLOAD_KEYS_FILE: '' };
    const design = await startDesign('temporal-cluster', {
      ...context,
      env: { ...context.env, ...codecEnv },
    });
    const stream = new EventStream();
    const sender = new Sender(design.url, BENCH_SECRET);
    const bench = new DesignBench(design, sender, stream);
    try {
      const warmup = await bench.offer(0, rate, 4);
      const before = await scrapeMetrics(context.cluster.metricsUrl);
      const phase = await bench.offer(warmup.events, rate, seconds);
      const time = clusterTime(before, await scrapeMetrics(context.cluster.metricsUrl), phase.events);
      const ids = stream.slice(warmup.events, SAMPLE).map((event) => event.id);
      const { sampled, lists } = await sampleHistories(context.cluster, ids);
      if (mode === 'off') plaintextLists = lists;
      runs.push({
        mode,
        events: phase.events,
        cpuMsPerEvent: phase.cpuMsPerEvent,
        historyBytesPerWorkflow: time.historyBytesPerWorkflow,
        sampled,
      });
      log(
        `codec ${mode}: cpu/event ${JSON.stringify(phase.cpuMsPerEvent)}, history ${time.historyBytesPerWorkflow} B`,
      );
    } finally {
      sender.close();
      await bench.close();
      await design.stop();
    }
  }
  return { rate, seconds, runs, codecMicroseconds: await timeCodec(plaintextLists) };
}

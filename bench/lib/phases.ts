/**
 * The measurements one design goes through, all on the same event stream: a warm-up, a fixed
 * offered rate, duplicate deliveries, then rising rates until the design stops keeping up.
 */
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { CommitWatcher } from './commits';
import type { RunningDesign } from './designs';
import type { Delivery, Sender } from './load';
import { HARNESS_CONNECTION, PostgresCpuMeter } from './postgres-cpu';
import { CpuMeter, RssSampler } from './proc';
import type { RssSummary } from './proc';
import { percentiles, round } from './stats';
import type { Percentiles } from './stats';
import type { EventStream, StreamEvent } from './stream';

/** The longest the bench waits for a design to clear its backlog before it measures on. */
export const SETTLE_TIMEOUT_MS = 600_000;

/**
 * A rate counts as sustained when every POST got 200 and events kept being committed within this
 * long: end-to-end p99, and the time from the last send until the backlog cleared, both at most
 * 2 s. A design falling behind by a fifth over a 10 s step fails it; so does one whose requests
 * queue in front of it (inline), where the ledger never shows a backlog.
 */
export const SUSTAINED_WITHIN_MS = 2000;

export function isSustained(phase: Pick<PhaseResult, 'refused' | 'endToEndMs' | 'drainMs'>): boolean {
  return (
    phase.refused === 0 && phase.endToEndMs.p99 <= SUSTAINED_WITHIN_MS && phase.drainMs <= SUSTAINED_WITHIN_MS
  );
}

export interface PhaseResult {
  offeredRate: number;
  events: number;
  ackMs: Percentiles;
  endToEndMs: Percentiles;
  /** Answers other than 200 (connection errors count as 0). */
  refused: number;
  /** Rows committed per second, first send to last commit. */
  committedPerSecond: number;
  /** From the last send until every acknowledged event was committed. */
  drainMs: number;
  sustained: boolean;
  /** The generator's worst lag behind its schedule (large values mean it, not the design, was slow). */
  maxSendLagMs: number;
  cpuMsPerEvent: Record<string, number>;
  rssMiB: Record<string, RssSummary>;
  loadAverage?: string;
}

export interface DuplicateResult {
  events: number;
  ackMs: Percentiles;
  refused: number;
  /**
   * Ledger rows added while the duplicates were sent: 0 unless events refused earlier (503) were
   * started late by Temporal and committed meanwhile.
   */
  ledgerRowsAdded: number;
}

export class DesignBench {
  readonly watcher: CommitWatcher;
  private readonly observer: postgres.Sql;

  constructor(
    readonly design: RunningDesign,
    private readonly sender: Sender,
    private readonly stream: EventStream,
  ) {
    this.watcher = new CommitWatcher(design.database.url);
    this.observer = postgres(design.database.url, HARNESS_CONNECTION);
  }

  /**
   * Sends stream events [from, from + rate × seconds) at `rate` and measures until they are all
   * committed, so CPU per event covers the whole of their processing, backlog included.
   */
  async offer(from: number, rate: number, seconds: number): Promise<PhaseResult> {
    const { phase } = await this.send(this.stream.slice(from, Math.round(rate * seconds)), rate);
    return phase;
  }

  /** `offer` for a given list of events, with each answer too (the burst checks them one by one). */
  async send(events: StreamEvent[], rate: number): Promise<{ phase: PhaseResult; deliveries: Delivery[] }> {
    this.design.assertAlive();
    const pids = { ...this.design.processes, ...this.design.broker };
    const cpu = new CpuMeter(pids);
    const postgresCpu = await PostgresCpuMeter.start(this.design.postgresDatabases);
    const rss = new RssSampler(this.design.processes);
    rss.start(500);
    const firstSend = performance.now();
    const deliveries = await this.sender.sendAtRate(events, rate, (delivery) => {
      if (delivery.status === 200) this.watcher.expect(delivery.event.id, delivery.sentAt);
    });
    const lastSend = performance.now();
    const drained = await this.watcher.drained(SETTLE_TIMEOUT_MS, () => this.design.assertAlive());
    const drainMs = performance.now() - lastSend;
    // Per acknowledged event: an overloaded design refuses some (503), and those cost it next to nothing.
    const acknowledged = Math.max(1, deliveries.filter((delivery) => delivery.status === 200).length);
    const cpuMsPerEvent = {
      ...cpu.perEvent(acknowledged),
      postgres: await postgresCpu.perEvent(acknowledged),
    };
    const rssMiB = rss.stop();
    this.design.assertAlive();

    const accepted = deliveries.filter((delivery) => delivery.status === 200);
    const endToEnd = accepted.flatMap((delivery) => this.watcher.endToEnd.get(delivery.event.id) ?? []);
    const lastCommit = Math.max(
      ...accepted.map((delivery) => this.watcher.seenAt.get(delivery.event.id) ?? 0),
    );
    const refused = deliveries.length - accepted.length;
    const endToEndMs = percentiles(endToEnd);
    const phase: PhaseResult = {
      offeredRate: rate,
      events: events.length,
      ackMs: ackPercentiles(deliveries),
      endToEndMs,
      refused,
      committedPerSecond: round(endToEnd.length / ((lastCommit - firstSend) / 1000)),
      drainMs: round(drainMs),
      sustained: drained && isSustained({ refused, endToEndMs, drainMs }),
      maxSendLagMs: round(Math.max(...deliveries.map((delivery) => delivery.lagMs))),
      cpuMsPerEvent: Object.fromEntries(
        Object.entries(cpuMsPerEvent).map(([role, value]) => [role, round(value, 3)]),
      ),
      rssMiB,
    };
    return { phase, deliveries };
  }

  /** Waits until every acknowledged event is committed, so the next phase starts clean. */
  async settle(): Promise<void> {
    const settled = await this.watcher.drained(SETTLE_TIMEOUT_MS, () => this.design.assertAlive());
    if (!settled) throw new Error(`${this.design.name}: backlog not cleared in ${SETTLE_TIMEOUT_MS} ms`);
  }

  /**
   * Re-sends up to `count` events of stream [from, from + span) that were acknowledged and
   * committed, at `rate`: true duplicates of applied events (an event refused with 503 and sent
   * again would be a retry, not a duplicate).
   */
  async duplicates(from: number, span: number, count: number, rate: number): Promise<DuplicateResult> {
    const applied = this.stream.slice(from, span).filter((event) => this.watcher.endToEnd.has(event.id));
    const events = applied.slice(0, count);
    const before = await this.ledgerRows();
    const deliveries = await this.sender.sendAtRate(events, rate);
    // A design that queued the duplicates would apply them after the answer: give it time.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    return {
      events: events.length,
      ackMs: ackPercentiles(deliveries),
      refused: deliveries.filter((delivery) => delivery.status !== 200).length,
      ledgerRowsAdded: (await this.ledgerRows()) - before,
    };
  }

  /** Acknowledged events whose ledger row is missing once the backlog had `timeoutMs` to clear. */
  async lost(timeoutMs: number): Promise<{ acknowledged: number; missing: number; ledgerRows: number }> {
    await this.watcher.drained(timeoutMs, () => this.design.assertAlive());
    const acknowledged = this.watcher.endToEnd.size + this.watcher.outstanding;
    const ledgerRows = await this.ledgerRows();
    return { acknowledged, missing: this.watcher.outstanding, ledgerRows };
  }

  async close(): Promise<void> {
    await this.watcher.close();
    await this.observer.end();
  }

  private async ledgerRows(): Promise<number> {
    const [row] = await this.observer<{ count: number }[]>`select count(*)::int as count from stripe_events`;
    return row?.count ?? 0;
  }
}

function ackPercentiles(deliveries: Delivery[]): Percentiles {
  return percentiles(
    deliveries.filter((delivery) => delivery.status === 200).map((delivery) => delivery.ackMs),
  );
}

/**
 * A webhook flood (issue 12): more events than the design sustains, offered at a rate above its
 * knee (20,000 at 300/s by default), the way a monthly renewal run arrives from Stripe. It must be
 * absorbed, not refused: every event acknowledged quickly, then worked off from the backlog with
 * nothing lost and nothing applied twice.
 */
import postgres from 'postgres';
import { HARNESS_CONNECTION } from './postgres-cpu';
import type { DesignBench } from './phases';
import { round } from './stats';
import type { Percentiles } from './stats';
import { STREAM_TYPES } from './stream';
import type { EventStream } from './stream';

export interface BurstResult {
  offeredRate: number;
  events: number;
  /** Answered 200. */
  acknowledged: number;
  ackMs: Percentiles;
  /** Answered anything but 200 (connection errors count as 0). */
  refused: number;
  /** Acknowledged, but no ledger row once the backlog had SETTLE_TIMEOUT_MS to clear. */
  lost: number;
  /**
   * Ledger rows beyond one per acknowledged event, plus business rows beyond one per event of the
   * family (the primary keys make both 0 unless something writes under another key).
   */
  doubled: number;
  /** From the last send until the last acknowledged event's ledger row was visible. */
  drainMs: number;
  /** Rows committed per second, first send to last commit. */
  committedPerSecond: number;
  cpuMsPerEvent: Record<string, number>;
}

export async function measureBurst(
  bench: DesignBench,
  stream: EventStream,
  from: number,
  count: number,
  rate: number,
): Promise<BurstResult> {
  await bench.settle();
  const events = stream.slice(from, count);
  const { phase, deliveries } = await bench.send(events, rate);
  const accepted = deliveries.filter((delivery) => delivery.status === 200);
  // send() waited up to SETTLE_TIMEOUT_MS for the backlog: what has no ledger row now is lost.
  const lastSend = Math.max(...deliveries.map((delivery) => delivery.sentAt));
  const lastCommit = Math.max(
    ...accepted.map((delivery) => bench.watcher.seenAt.get(delivery.event.id) ?? 0),
  );

  const sql = postgres(bench.design.database.url, HARNESS_CONNECTION);
  try {
    const ids = accepted.map((delivery) => delivery.event.id);
    const [ledger] = await sql<{ rows: number; ids: number }[]>`
      select count(*)::int as rows, count(distinct id)::int as ids from stripe_events where id = any(${ids})`;
    let businessExcess = 0;
    for (const family of STREAM_TYPES) {
      const objects = accepted
        .filter((delivery) => delivery.event.type === family.type)
        .map((delivery) => delivery.event.objectId);
      const [row] = await sql<{ rows: number; ids: number }[]>`
        select count(*)::int as rows, count(distinct id)::int as ids from ${sql(family.table)} where id = any(${objects})`;
      businessExcess += (row?.rows ?? 0) - (row?.ids ?? 0);
    }
    const found = ledger?.ids ?? 0;
    return {
      offeredRate: rate,
      events: events.length,
      acknowledged: accepted.length,
      ackMs: phase.ackMs,
      refused: deliveries.length - accepted.length,
      lost: accepted.length - found,
      doubled: (ledger?.rows ?? 0) - found + businessExcess,
      drainMs: round(Math.max(0, lastCommit - lastSend)),
      committedPerSecond: phase.committedPerSecond,
      cpuMsPerEvent: phase.cpuMsPerEvent,
    };
  } finally {
    await sql.end();
  }
}

/** For the log line. */
export function describeBurst(name: string, burst: BurstResult): string {
  const f = (n: number) => n.toFixed(1);
  return (
    `${name}: burst ${burst.events} at ${burst.offeredRate} ev/s: ${burst.acknowledged} acknowledged ` +
    `(ack p50 ${f(burst.ackMs.p50)} p99 ${f(burst.ackMs.p99)} ms), refused ${burst.refused}, lost ${burst.lost}, ` +
    `doubled ${burst.doubled}, drain ${f(burst.drainMs / 1000)} s, committed ${burst.committedPerSecond}/s`
  );
}

/**
 * When each event's ledger row became visible to another connection: "end to end" stops there.
 *
 * It polls the primary key for the acknowledged events not yet seen, every 5 ms while few are
 * outstanding, less often as a backlog builds (a poll costs one index lookup per outstanding id),
 * so the figures carry a few ms of polling granularity at steady state. Triggers with NOTIFY were
 * measured and rejected: Postgres serialises the commits of notifying transactions, which cut
 * this machine's commit rate by about 40 % and would have distorted the saturation figures.
 */
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { HARNESS_CONNECTION } from './postgres-cpu';

const MAX_IDS_PER_POLL = 2000;

export class CommitWatcher {
  private readonly sql: postgres.Sql;
  /** id → when its POST was sent. */
  private readonly pending = new Map<string, number>();
  /** id → POST sent → row visible, in ms. */
  readonly endToEnd = new Map<string, number>();
  /** id → performance.now() when its row was first seen. */
  readonly seenAt = new Map<string, number>();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(databaseUrl: string) {
    this.sql = postgres(databaseUrl, HARNESS_CONNECTION);
    this.loop = this.poll();
  }

  /** Watch for `id`, whose POST was sent at `sentAt` (performance.now()). */
  expect(id: string, sentAt: number): void {
    if (!this.endToEnd.has(id)) this.pending.set(id, sentAt);
  }

  get outstanding(): number {
    return this.pending.size;
  }

  /**
   * Resolves when nothing is outstanding; false when `timeoutMs` passed first. `check` runs while
   * waiting and may throw (a process of the design has died).
   */
  async drained(timeoutMs: number, check: () => void = () => {}): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.pending.size > 0) {
      check();
      if (performance.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return true;
  }

  async close(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.sql.end();
  }

  private async poll(): Promise<void> {
    while (this.running) {
      if (this.pending.size > 0) {
        const ids = [...this.pending.keys()].slice(0, MAX_IDS_PER_POLL);
        const rows = await this.sql<{ id: string }[]>`select id from stripe_events where id = any(${ids})`;
        const seenAt = performance.now();
        for (const { id } of rows) {
          const sentAt = this.pending.get(id);
          if (sentAt === undefined) continue;
          this.endToEnd.set(id, seenAt - sentAt);
          this.seenAt.set(id, seenAt);
          this.pending.delete(id);
        }
      }
      const interval = Math.min(200, Math.max(5, this.pending.size / 10));
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}

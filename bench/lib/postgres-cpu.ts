/**
 * Postgres's share of a design's CPU: the server backends (one process per connection) connected
 * to the design's databases, read from /proc like every other process. The server is shared with
 * other jobs, so only backends of these databases count; its background processes (WAL writer,
 * checkpointer) serve everyone and are left out, so the figure is a floor. The benchmark's own
 * connections (the commit watcher polls the ledger every few ms) carry HARNESS_APPLICATION_NAME
 * and are left out too: they are the measurement, not the design.
 */

/** application_name of the benchmark's own Postgres connections. */
export const HARNESS_APPLICATION_NAME = 'stripe-temporal-bench';

/** Options for a harness connection: one connection, no notices, named so it is not counted. */
export const HARNESS_CONNECTION = {
  max: 1,
  onnotice: () => {},
  connection: { application_name: HARNESS_APPLICATION_NAME },
};
import postgres from 'postgres';
import { ADMIN_DATABASE_URL } from '../../test/helpers/db';
import { cpuMs } from './proc';

async function backends(databases: readonly string[]): Promise<Map<number, number>> {
  const sql = postgres(ADMIN_DATABASE_URL, HARNESS_CONNECTION);
  try {
    const rows = await sql<{ pid: number }[]>`
      select pid from pg_stat_activity
      where datname in ${sql([...databases])} and application_name <> ${HARNESS_APPLICATION_NAME}`;
    const cpu = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        cpu.set(pid, cpuMs(pid));
      } catch {
        // the connection closed between the query and the read
      }
    }
    return cpu;
  } finally {
    await sql.end();
  }
}

/** CPU ms the databases' backends used between start() and perEvent(). */
export class PostgresCpuMeter {
  private constructor(
    private readonly databases: readonly string[],
    private readonly before: Map<number, number>,
  ) {}

  static async start(databases: readonly string[]): Promise<PostgresCpuMeter> {
    return new PostgresCpuMeter(databases, await backends(databases));
  }

  /** A backend that was not there at start() opened during the phase: all of its CPU counts. */
  async perEvent(events: number): Promise<number> {
    const after = await backends(this.databases);
    let total = 0;
    for (const [pid, ms] of after) total += ms - (this.before.get(pid) ?? 0);
    return total / events;
  }
}

/** The database name of a postgres:// URL. */
export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

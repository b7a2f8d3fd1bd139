/**
 * What the cluster asks of Postgres per event. `pg_stat_statements` when the server loads it
 * (shared_preload_libraries, which the benchmark must not change on a shared server); otherwise
 * the statistics every Postgres keeps: rows written and index/sequential scans per table, and
 * commits per database, from pg_stat_user_tables and pg_stat_database.
 */
import postgres from 'postgres';
import { ADMIN_DATABASE_URL } from '../../test/helpers/db';
import { HARNESS_CONNECTION } from './postgres-cpu';

const connect = (database?: string) => {
  const url = new URL(ADMIN_DATABASE_URL);
  if (database) url.pathname = `/${database}`;
  return postgres(url.toString(), HARNESS_CONNECTION);
};

/** 'available', or why not (the server's own words). */
export async function statementsAvailability(database: string): Promise<string> {
  const sql = connect(database);
  try {
    await sql`create extension if not exists pg_stat_statements`;
    await sql`select 1 from pg_stat_statements limit 1`;
    return 'available';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await sql.end();
  }
}

/** database.table (or database, or queryid) → counters. */
export type StatSnapshot = Map<string, Record<string, number>>;

export async function snapshotStats(
  databases: readonly string[],
  statements: boolean,
): Promise<StatSnapshot> {
  const snapshot: StatSnapshot = new Map();
  for (const database of databases) {
    const sql = connect(database);
    try {
      const tables = await sql<{ name: string; written: string; scans: string }[]>`
        select relname as name, n_tup_ins + n_tup_upd + n_tup_del as written,
               coalesce(seq_scan, 0) + coalesce(idx_scan, 0) as scans
        from pg_stat_user_tables`;
      for (const row of tables)
        snapshot.set(`${database}.${row.name}`, { written: Number(row.written), scans: Number(row.scans) });
      const [db] = await sql<{ commits: string }[]>`
        select xact_commit as commits from pg_stat_database where datname = current_database()`;
      snapshot.set(database, { commits: Number(db?.commits ?? 0) });
      if (statements) {
        const rows = await sql<{ query: string; calls: string; ms: number }[]>`
          select left(regexp_replace(query, '\\s+', ' ', 'g'), 90) as query, calls, total_exec_time as ms
          from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())`;
        for (const row of rows)
          snapshot.set(`${database}: ${row.query}`, { calls: Number(row.calls), ms: Number(row.ms) });
      }
    } finally {
      await sql.end();
    }
  }
  return snapshot;
}

export interface PostgresActivity {
  pgStatStatements: string;
  /** Commits per event, per database. */
  commitsPerEvent: Record<string, number>;
  /** The tables most written per event: rows inserted + updated + deleted, and scans. */
  tables: { table: string; rowsWrittenPerEvent: number; scansPerEvent: number }[];
  /** With pg_stat_statements: the statements taking the most time per event. */
  statements?: { statement: string; callsPerEvent: number; msPerEvent: number }[];
}

export function postgresActivity(
  before: StatSnapshot,
  after: StatSnapshot,
  events: number,
  pgStatStatements: string,
): PostgresActivity {
  const delta = (key: string, field: string) =>
    (after.get(key)?.[field] ?? 0) - (before.get(key)?.[field] ?? 0);
  const per = (value: number) => Math.round((value / events) * 100) / 100;
  const keys = [...after.keys()];
  const tables = keys
    .filter((key) => after.get(key)?.written !== undefined)
    .map((key) => ({
      table: key,
      rowsWrittenPerEvent: per(delta(key, 'written')),
      scansPerEvent: per(delta(key, 'scans')),
    }))
    .sort((a, b) => b.rowsWrittenPerEvent + b.scansPerEvent - (a.rowsWrittenPerEvent + a.scansPerEvent))
    .slice(0, 10);
  const commitsPerEvent = Object.fromEntries(
    keys
      .filter((key) => after.get(key)?.commits !== undefined)
      .map((key) => [key, per(delta(key, 'commits'))]),
  );
  const statements = keys
    .filter((key) => after.get(key)?.ms !== undefined)
    .map((key) => ({
      statement: key,
      callsPerEvent: per(delta(key, 'calls')),
      msPerEvent: per(delta(key, 'ms')),
    }))
    .sort((a, b) => b.msPerEvent - a.msPerEvent)
    .slice(0, 10);
  return {
    pgStatStatements,
    commitsPerEvent,
    tables,
    ...(pgStatStatements === 'available' ? { statements } : {}),
  };
}

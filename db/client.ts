import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

/** Any drizzle Postgres database with our schema (postgres.js here; tests and other services may pass theirs). */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  /** postgres:// URL. */
  location: string;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.join(__dirname, 'migrations');

// Any fixed 64-bit number: serialises migrations when several workers start at once.
const MIGRATION_LOCK_KEY = 727_274_001;

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<DatabaseHandle> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // Under the activity's 30 s start-to-close timeout: an attempt Temporal has given up on must
    // not keep its locks while the retry waits for them.
    connection: { statement_timeout: 25_000, idle_in_transaction_session_timeout: 30_000 },
  });
  return {
    db: drizzle(sql, { schema }) as unknown as Database,
    location: url,
    async migrate() {
      // A single connection, so the advisory lock and the migrations share one session.
      const lockSql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await lockSql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migrate(drizzle(lockSql), { migrationsFolder: MIGRATIONS_FOLDER });
        await lockSql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      } finally {
        await lockSql.end();
      }
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

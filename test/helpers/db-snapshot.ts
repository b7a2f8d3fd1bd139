import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { query } from './db';

/**
 * Every row of every table in the public schema, each table's rows as sorted JSON: the state a
 * replay must leave unchanged. All tables rather than a list, so a table added later is covered.
 */
export async function snapshotDatabase(db: Database): Promise<Record<string, string[]>> {
  const tables = await query<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const state: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows = await query<unknown>(db, sql`select * from ${sql.identifier(name)}`);
    state[name] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return state;
}

import { getTableColumns, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Tx } from './tx';

type MirrorTable = PgTable & {
  id: PgColumn;
  account: PgColumn;
  sourceEventId: PgColumn;
  sourceEventCreated: PgColumn;
  sourceEventRank: PgColumn;
};

/** The row's account and version columns, as written by `event` in a state of lifecycle `rank`. */
export function sourceEvent(
  event: { id: string; created: number; account?: string | null | undefined },
  rank: number,
): { account: string | null; sourceEventId: string; sourceEventCreated: number; sourceEventRank: number } {
  return {
    account: event.account || null,
    sourceEventId: event.id,
    sourceEventCreated: event.created,
    sourceEventRank: rank,
  };
}

/** `column IS NOT DISTINCT FROM account`: the platform's null account matches itself. */
export function sameAccount(column: PgColumn, account: string | null | undefined): SQL {
  return sql`${column} is not distinct from ${account || null}`;
}

/** `SET col = excluded.col` for every column but the key (account, id): "take the incoming row". */
export function excludedColumns(table: PgTable): Record<string, SQL> {
  const set: Record<string, SQL> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    if (key !== 'id' && key !== 'account') set[key] = sql.raw(`excluded."${column.name}"`);
  }
  return set;
}

/**
 * Inserts the row, or overwrites the stored one only when the incoming event is newer by the rule
 * in ordering.ts, or is the very event that wrote it (equal triple): that happens only when an
 * operator removed the event's ledger row to re-apply it after a handler fix, since the ledger
 * lets no event through twice otherwise. The comparison runs inside Postgres under the row lock of ON CONFLICT, so two
 * workers racing on one object cannot interleave. Returns false when the stored row was newer.
 *
 * Only the columns `row` names are overwritten: a deletion that arrives as a bare
 * `{ id, object, deleted: true }` marks the row deleted and keeps what the mirror knew of it.
 */
export async function upsertIfNewer<TTable extends MirrorTable>(
  tx: Tx,
  table: TTable,
  row: TTable['$inferInsert'],
): Promise<boolean> {
  const given = Object.entries(excludedColumns(table)).filter(([key]) => key in row);
  const set: Record<string, SQL> = { ...Object.fromEntries(given), updatedAt: sql`now()` };
  const written = await tx
    .insert(table)
    .values(row)
    .onConflictDoUpdate({
      // (account, id): the same id under two accounts is two objects, each with its own guard.
      target: [table.account, table.id],
      set,
      // COLLATE "C": the event-id tiebreak must not depend on the database's locale.
      setWhere: sql`(excluded.source_event_created, excluded.source_event_rank, excluded.source_event_id collate "C")
        >= (${table.sourceEventCreated}, ${table.sourceEventRank}, ${table.sourceEventId} collate "C")`,
    })
    .returning({ id: table.id });
  return written.length > 0;
}

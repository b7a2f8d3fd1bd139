import { bigint, integer, text, timestamp, unique } from 'drizzle-orm/pg-core';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * The Stripe account a row belongs to: a connected account (`acct_...`), or null for the platform.
 * Stripe ids are only promised unique within an account, so every mirror row is keyed by
 * (account, id).
 */
export const accountColumn = {
  account: text('account'),
};

/**
 * Every mirror row remembers which event wrote it. An incoming event only overwrites the row when
 * (created, rank, event id) is greater than the stored triple — see activities/ordering.ts. The
 * guard compares rows of the same account only.
 */
export const sourceEventColumns = {
  ...accountColumn,
  sourceEventId: text('source_event_id').notNull(),
  sourceEventCreated: bigint('source_event_created', { mode: 'number' }).notNull(),
  sourceEventRank: integer('source_event_rank').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

/**
 * The row key: (account, id), the platform's null account counting as one value (NULLS NOT
 * DISTINCT, Postgres 15+), so `ON CONFLICT (account, id)` finds a platform row as it finds a
 * connected account's.
 */
export function perAccount(name: string, table: { account: PgColumn; id: PgColumn }) {
  return unique(`${name}_account_id_key`).on(table.account, table.id).nullsNotDistinct();
}

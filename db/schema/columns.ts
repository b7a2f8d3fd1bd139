import { bigint, integer, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every mirror row remembers which event wrote it. An incoming event only overwrites the row when
 * (created, rank, event id) is greater than the stored triple — see activities/ordering.ts.
 */
export const sourceEventColumns = {
  sourceEventId: text('source_event_id').notNull(),
  sourceEventCreated: bigint('source_event_created', { mode: 'number' }).notNull(),
  sourceEventRank: integer('source_event_rank').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

import { bigserial, index, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';

/**
 * Transactional outbox: a mailer reads unsent rows and marks them sent. One row per (event, kind),
 * so a retried or replayed event can never queue a second message.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: text('event_id').notNull(),
    kind: text('kind', { enum: ['payment_failed', 'payment_action_required', 'trial_ending'] }).notNull(),
    customerId: text('customer_id').notNull(),
    objectId: text('object_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (table) => [
    unique('notifications_event_kind_unique').on(table.eventId, table.kind),
    index('notifications_unsent_idx').on(table.sentAt),
  ],
);

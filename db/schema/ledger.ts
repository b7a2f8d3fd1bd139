import { bigint, boolean, pgTable, text, timestamp, index } from 'drizzle-orm/pg-core';

/**
 * One row per Stripe event applied, written in the same transaction as the business change. It
 * dedupes beyond Temporal's namespace retention and makes resets and retries no-ops.
 */
export const stripeEvents = pgTable(
  'stripe_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    objectId: text('object_id'),
    customerId: text('customer_id'),
    account: text('account'),
    livemode: boolean('livemode').notNull(),
    apiVersion: text('api_version'),
    created: bigint('created', { mode: 'number' }).notNull(),
    handler: text('handler').notNull(),
    /** applied: the mirror changed; stale: an older event, the mirror already held newer state. */
    outcome: text('outcome', { enum: ['applied', 'stale'] }).notNull(),
    /** The handler applied the object retrieved from Stripe's API instead of the event's payload. */
    refetched: boolean('refetched').notNull().default(false),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('stripe_events_object_idx').on(table.objectId),
    index('stripe_events_type_idx').on(table.type),
  ],
);

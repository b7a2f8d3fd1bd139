import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Handlers an operator has paused (`ops pause-handler`). Every worker reads this table before it
 * runs a handler, so one row stops that handler everywhere while the others keep going; its events
 * wait as retrying activities and resume on their own once the row is gone.
 */
export const handlerPauses = pgTable('handler_pauses', {
  handler: text('handler').primaryKey(),
  reason: text('reason').notNull(),
  pausedBy: text('paused_by'),
  pausedAt: timestamp('paused_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * How far reconciliation with Stripe's Events API has got: the `created` of the newest event seen.
 * One row per reconciler (per Stripe account in a multi-account setup).
 */
export const reconcileCursors = pgTable('reconcile_cursors', {
  name: text('name').primaryKey(),
  created: bigint('created', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Subscribers an operator has paused (`ops pause-subscriber`). Each delivery to a paused subscriber
 * waits (a retrying `assertSubscriberNotPaused` activity on our task queue) while every other
 * subscriber, and the mirror, go on; deleting the row lets the held deliveries through.
 */
export const subscriberPauses = pgTable('subscriber_pauses', {
  subscriber: text('subscriber').primaryKey(),
  reason: text('reason').notNull(),
  pausedBy: text('paused_by'),
  pausedAt: timestamp('paused_at', { withTimezone: true }).notNull().defaultNow(),
});

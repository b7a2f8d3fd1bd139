import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { sourceEventColumns } from './columns';

export const subscriptions = pgTable(
  'subscriptions',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    status: text('status').notNull(),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    cancelAt: timestamp('cancel_at', { withTimezone: true }),
    canceledAt: timestamp('canceled_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    trialStart: timestamp('trial_start', { withTimezone: true }),
    trialEnd: timestamp('trial_end', { withTimezone: true }),
    /** From the subscription before API 2025-03-31.basil, from its items since. */
    currentPeriodStart: timestamp('current_period_start', { withTimezone: true }),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
    latestInvoiceId: text('latest_invoice_id'),
    /** The discounts applied (rows of `discounts`): `discounts` since 2020-08-27, `discount` before. */
    discountIds: jsonb('discount_ids').$type<string[]>(),
    livemode: boolean('livemode').notNull(),
    ...sourceEventColumns,
  },
  (table) => [index('subscriptions_customer_idx').on(table.customerId)],
);

/** Replaced as a whole whenever its subscription row is written. */
export const subscriptionItems = pgTable(
  'subscription_items',
  {
    id: text('id').primaryKey(),
    subscriptionId: text('subscription_id')
      .notNull()
      .references(() => subscriptions.id, { onDelete: 'cascade' }),
    priceId: text('price_id'),
    productId: text('product_id'),
    quantity: integer('quantity'),
    currentPeriodStart: timestamp('current_period_start', { withTimezone: true }),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
  },
  (table) => [index('subscription_items_subscription_idx').on(table.subscriptionId)],
);

/**
 * Who has access right now: one row per (subscription, product) while the subscription's status
 * grants access (trialing, active, past_due). Derived from subscriptions in the same transaction.
 */
export const entitlements = pgTable(
  'entitlements',
  {
    subscriptionId: text('subscription_id')
      .notNull()
      .references(() => subscriptions.id, { onDelete: 'cascade' }),
    productId: text('product_id').notNull(),
    customerId: text('customer_id').notNull(),
    quantity: integer('quantity'),
    status: text('status').notNull(),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
  },
  (table) => [
    primaryKey({ columns: [table.subscriptionId, table.productId] }),
    index('entitlements_customer_idx').on(table.customerId),
  ],
);

import {
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { accountColumn, perAccount, sourceEventColumns } from './columns';

export const subscriptions = pgTable(
  'subscriptions',
  {
    id: text('id').notNull(),
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
  (table) => [perAccount('subscriptions', table), index('subscriptions_customer_idx').on(table.customerId)],
);

/**
 * A row derived from a subscription, of the same account. Postgres checks a composite foreign key
 * only when no column is null (MATCH SIMPLE), so for the platform's rows (null account) the
 * guarantee is the handler's: children are rewritten in the transaction that writes their parent.
 */
function ofSubscription(name: string, table: { account: PgColumn; subscriptionId: PgColumn }) {
  return foreignKey({
    name: `${name}_subscription_fk`,
    columns: [table.account, table.subscriptionId],
    foreignColumns: [subscriptions.account, subscriptions.id],
  }).onDelete('cascade');
}

/** Replaced as a whole whenever its subscription row is written. */
export const subscriptionItems = pgTable(
  'subscription_items',
  {
    id: text('id').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    priceId: text('price_id'),
    productId: text('product_id'),
    quantity: integer('quantity'),
    currentPeriodStart: timestamp('current_period_start', { withTimezone: true }),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
    ...accountColumn,
  },
  (table) => [
    perAccount('subscription_items', table),
    ofSubscription('subscription_items', table),
    index('subscription_items_subscription_idx').on(table.subscriptionId),
  ],
);

/**
 * Who has access right now: one row per (subscription, product) while the subscription's status
 * grants access (trialing, active, past_due). Derived from subscriptions in the same transaction.
 */
export const entitlements = pgTable(
  'entitlements',
  {
    subscriptionId: text('subscription_id').notNull(),
    productId: text('product_id').notNull(),
    customerId: text('customer_id').notNull(),
    quantity: integer('quantity'),
    status: text('status').notNull(),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
    ...accountColumn,
  },
  (table) => [
    unique('entitlements_account_subscription_product_key')
      .on(table.account, table.subscriptionId, table.productId)
      .nullsNotDistinct(),
    ofSubscription('entitlements', table),
    index('entitlements_customer_idx').on(table.customerId),
  ],
);

import { bigint, boolean, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { perAccount, sourceEventColumns } from './columns';

/**
 * The catalog a pricing page reads. Products, prices and plans are deleted by `*.deleted` events,
 * some of which carry only `{ id, deleted: true }`: every column but the key and the flags may be
 * null, and a deleted row keeps what was known of it (a subscription may still name that price).
 */
export const products = pgTable(
  'products',
  {
    id: text('id').notNull(),
    name: text('name'),
    description: text('description'),
    active: boolean('active'),
    defaultPriceId: text('default_price_id'),
    livemode: boolean('livemode').notNull(),
    metadata: jsonb('metadata').$type<Record<string, string>>(),
    deleted: boolean('deleted').notNull().default(false),
    ...sourceEventColumns,
  },
  (table) => [perAccount('products', table)],
);

export const prices = pgTable(
  'prices',
  {
    id: text('id').notNull(),
    productId: text('product_id'),
    active: boolean('active'),
    currency: text('currency'),
    unitAmount: bigint('unit_amount', { mode: 'number' }),
    /** one_time or recurring. */
    type: text('type'),
    recurringInterval: text('recurring_interval'),
    recurringIntervalCount: integer('recurring_interval_count'),
    lookupKey: text('lookup_key'),
    nickname: text('nickname'),
    livemode: boolean('livemode').notNull(),
    metadata: jsonb('metadata').$type<Record<string, string>>(),
    deleted: boolean('deleted').notNull().default(false),
    ...sourceEventColumns,
  },
  (table) => [
    perAccount('prices', table),
    index('prices_product_idx').on(table.productId),
    index('prices_lookup_key_idx').on(table.lookupKey),
  ],
);

/** Plans are the older form of recurring prices; an account may still send both. */
export const plans = pgTable(
  'plans',
  {
    id: text('id').notNull(),
    productId: text('product_id'),
    active: boolean('active'),
    currency: text('currency'),
    amount: bigint('amount', { mode: 'number' }),
    interval: text('interval'),
    intervalCount: integer('interval_count'),
    nickname: text('nickname'),
    livemode: boolean('livemode').notNull(),
    metadata: jsonb('metadata').$type<Record<string, string>>(),
    deleted: boolean('deleted').notNull().default(false),
    ...sourceEventColumns,
  },
  (table) => [perAccount('plans', table), index('plans_product_idx').on(table.productId)],
);

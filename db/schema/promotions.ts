import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { perAccount, sourceEventColumns } from './columns';

/** Coupons are deleted by coupon.deleted; a deleted coupon keeps its row (discounts point to it). */
export const coupons = pgTable(
  'coupons',
  {
    id: text('id').notNull(),
    name: text('name'),
    percentOff: doublePrecision('percent_off'),
    amountOff: bigint('amount_off', { mode: 'number' }),
    currency: text('currency'),
    /** once, repeating or forever. */
    duration: text('duration'),
    durationInMonths: integer('duration_in_months'),
    maxRedemptions: integer('max_redemptions'),
    timesRedeemed: integer('times_redeemed'),
    redeemBy: timestamp('redeem_by', { withTimezone: true }),
    valid: boolean('valid'),
    livemode: boolean('livemode').notNull(),
    metadata: jsonb('metadata').$type<Record<string, string>>(),
    deleted: boolean('deleted').notNull().default(false),
    ...sourceEventColumns,
  },
  (table) => [perAccount('coupons', table)],
);

export const promotionCodes = pgTable(
  'promotion_codes',
  {
    id: text('id').notNull(),
    /** What the customer types: not personal, and what a checkout form looks up. */
    code: text('code').notNull(),
    couponId: text('coupon_id'),
    customerId: text('customer_id'),
    active: boolean('active').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    maxRedemptions: integer('max_redemptions'),
    timesRedeemed: integer('times_redeemed'),
    livemode: boolean('livemode').notNull(),
    metadata: jsonb('metadata').$type<Record<string, string>>(),
    ...sourceEventColumns,
  },
  (table) => [perAccount('promotion_codes', table), index('promotion_codes_code_idx').on(table.code)],
);

/**
 * A coupon applied to a customer, a subscription or an invoice (customer.discount.* events). Keyed
 * by the discount id; payloads older than discount ids are keyed by what they apply to.
 */
export const discounts = pgTable(
  'discounts',
  {
    id: text('id').notNull(),
    customerId: text('customer_id'),
    subscriptionId: text('subscription_id'),
    invoiceId: text('invoice_id'),
    couponId: text('coupon_id'),
    promotionCodeId: text('promotion_code_id'),
    start: timestamp('start', { withTimezone: true }),
    end: timestamp('end', { withTimezone: true }),
    livemode: boolean('livemode').notNull(),
    deleted: boolean('deleted').notNull().default(false),
    ...sourceEventColumns,
  },
  (table) => [
    perAccount('discounts', table),
    index('discounts_customer_idx').on(table.customerId),
    index('discounts_subscription_idx').on(table.subscriptionId),
  ],
);

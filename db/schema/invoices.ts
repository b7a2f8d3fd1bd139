import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { perAccount, sourceEventColumns } from './columns';

export const invoices = pgTable(
  'invoices',
  {
    id: text('id').notNull(),
    customerId: text('customer_id').notNull(),
    /** `invoice.subscription` before API 2025-03-31.basil, `invoice.parent.subscription_details` since. */
    subscriptionId: text('subscription_id'),
    status: text('status').notNull(),
    number: text('number'),
    currency: text('currency').notNull(),
    amountDue: bigint('amount_due', { mode: 'number' }).notNull(),
    amountPaid: bigint('amount_paid', { mode: 'number' }).notNull(),
    amountRemaining: bigint('amount_remaining', { mode: 'number' }).notNull(),
    total: bigint('total', { mode: 'number' }).notNull(),
    attemptCount: integer('attempt_count').notNull().default(0),
    nextPaymentAttempt: timestamp('next_payment_attempt', { withTimezone: true }),
    hostedInvoiceUrl: text('hosted_invoice_url'),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    /** The discounts applied (rows of `discounts`), and what they took off in all. */
    discountIds: jsonb('discount_ids').$type<string[]>(),
    totalDiscountAmount: bigint('total_discount_amount', { mode: 'number' }),
    livemode: boolean('livemode').notNull(),
    ...sourceEventColumns,
  },
  (table) => [
    perAccount('invoices', table),
    index('invoices_customer_idx').on(table.customerId),
    index('invoices_subscription_idx').on(table.subscriptionId),
  ],
);

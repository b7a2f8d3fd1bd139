import { bigint, boolean, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { perAccount, sourceEventColumns } from './columns';

/** Since API 2025-03-31.basil, how payments are linked to invoices (invoice_payment.* events). */
export const invoicePayments = pgTable(
  'invoice_payments',
  {
    id: text('id').notNull(),
    invoiceId: text('invoice_id').notNull(),
    status: text('status').notNull(),
    amountPaid: bigint('amount_paid', { mode: 'number' }),
    amountRequested: bigint('amount_requested', { mode: 'number' }),
    currency: text('currency').notNull(),
    /** payment_intent, charge or out_of_band_payment. */
    paymentType: text('payment_type'),
    paymentIntentId: text('payment_intent_id'),
    chargeId: text('charge_id'),
    isDefault: boolean('is_default'),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    canceledAt: timestamp('canceled_at', { withTimezone: true }),
    livemode: boolean('livemode').notNull(),
    ...sourceEventColumns,
  },
  (table) => [
    perAccount('invoice_payments', table),
    index('invoice_payments_invoice_idx').on(table.invoiceId),
  ],
);

export const creditNotes = pgTable(
  'credit_notes',
  {
    id: text('id').notNull(),
    invoiceId: text('invoice_id').notNull(),
    customerId: text('customer_id'),
    number: text('number'),
    /** issued or void. */
    status: text('status').notNull(),
    /** pre_payment, post_payment or mixed. */
    type: text('type'),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    reason: text('reason'),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    livemode: boolean('livemode').notNull(),
    ...sourceEventColumns,
  },
  (table) => [
    perAccount('credit_notes', table),
    index('credit_notes_invoice_idx').on(table.invoiceId),
    index('credit_notes_customer_idx').on(table.customerId),
  ],
);

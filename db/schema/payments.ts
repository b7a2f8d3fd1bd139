import { bigint, boolean, index, pgTable, text } from 'drizzle-orm/pg-core';
import { perAccount, sourceEventColumns } from './columns';

export const paymentIntents = pgTable(
  'payment_intents',
  {
    id: text('id').notNull(),
    customerId: text('customer_id'),
    invoiceId: text('invoice_id'),
    status: text('status').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    amountReceived: bigint('amount_received', { mode: 'number' }).notNull().default(0),
    currency: text('currency').notNull(),
    lastPaymentErrorCode: text('last_payment_error_code'),
    livemode: boolean('livemode').notNull(),
    ...sourceEventColumns,
  },
  (table) => [
    perAccount('payment_intents', table),
    index('payment_intents_customer_idx').on(table.customerId),
  ],
);

export const charges = pgTable(
  'charges',
  {
    id: text('id').notNull(),
    customerId: text('customer_id'),
    paymentIntentId: text('payment_intent_id'),
    invoiceId: text('invoice_id'),
    status: text('status').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    amountCaptured: bigint('amount_captured', { mode: 'number' }).notNull().default(0),
    amountRefunded: bigint('amount_refunded', { mode: 'number' }).notNull().default(0),
    refunded: boolean('refunded').notNull().default(false),
    disputed: boolean('disputed').notNull().default(false),
    currency: text('currency').notNull(),
    failureCode: text('failure_code'),
    livemode: boolean('livemode').notNull(),
    ...sourceEventColumns,
  },
  (table) => [
    perAccount('charges', table),
    index('charges_customer_idx').on(table.customerId),
    index('charges_payment_intent_idx').on(table.paymentIntentId),
  ],
);

export const refunds = pgTable(
  'refunds',
  {
    id: text('id').notNull(),
    chargeId: text('charge_id'),
    paymentIntentId: text('payment_intent_id'),
    status: text('status').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    reason: text('reason'),
    livemode: boolean('livemode').notNull(),
    ...sourceEventColumns,
  },
  (table) => [perAccount('refunds', table), index('refunds_charge_idx').on(table.chargeId)],
);

export const disputes = pgTable(
  'disputes',
  {
    id: text('id').notNull(),
    chargeId: text('charge_id'),
    paymentIntentId: text('payment_intent_id'),
    status: text('status').notNull(),
    reason: text('reason'),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    livemode: boolean('livemode').notNull(),
    ...sourceEventColumns,
  },
  (table) => [perAccount('disputes', table), index('disputes_charge_idx').on(table.chargeId)],
);

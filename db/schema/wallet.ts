import { boolean, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { perAccount, sourceEventColumns } from './columns';

/**
 * The card on file, and when it expires. Only what an application shows or checks: brand, last 4
 * digits, expiry. Billing names, emails and addresses stay in Stripe.
 */
export const paymentMethods = pgTable(
  'payment_methods',
  {
    id: text('id').notNull(),
    customerId: text('customer_id'),
    /** card, sepa_debit, us_bank_account, ... */
    type: text('type').notNull(),
    /** attached, detached (final: Stripe never attaches it again) or unattached. */
    status: text('status').notNull(),
    cardBrand: text('card_brand'),
    cardLast4: text('card_last4'),
    cardExpMonth: integer('card_exp_month'),
    cardExpYear: integer('card_exp_year'),
    livemode: boolean('livemode').notNull(),
    ...sourceEventColumns,
  },
  (table) => [
    perAccount('payment_methods', table),
    index('payment_methods_customer_idx').on(table.customerId),
  ],
);

export const setupIntents = pgTable(
  'setup_intents',
  {
    id: text('id').notNull(),
    customerId: text('customer_id'),
    paymentMethodId: text('payment_method_id'),
    status: text('status').notNull(),
    usage: text('usage'),
    lastSetupErrorCode: text('last_setup_error_code'),
    cancellationReason: text('cancellation_reason'),
    livemode: boolean('livemode').notNull(),
    ...sourceEventColumns,
  },
  (table) => [perAccount('setup_intents', table), index('setup_intents_customer_idx').on(table.customerId)],
);

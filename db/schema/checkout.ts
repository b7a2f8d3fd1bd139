import { bigint, boolean, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { perAccount, sourceEventColumns } from './columns';

/**
 * Checkout fulfilment: a session is fulfilled once its payment is settled (`paid` or
 * `no_payment_required`). Delayed payment methods complete the session `unpaid` first.
 */
export const checkoutSessions = pgTable(
  'checkout_sessions',
  {
    id: text('id').notNull(),
    customerId: text('customer_id'),
    subscriptionId: text('subscription_id'),
    paymentIntentId: text('payment_intent_id'),
    clientReferenceId: text('client_reference_id'),
    mode: text('mode').notNull(),
    status: text('status'),
    paymentStatus: text('payment_status').notNull(),
    amountTotal: bigint('amount_total', { mode: 'number' }),
    currency: text('currency'),
    fulfilledAt: timestamp('fulfilled_at', { withTimezone: true }),
    livemode: boolean('livemode').notNull(),
    ...sourceEventColumns,
  },
  (table) => [perAccount('checkout_sessions', table)],
);

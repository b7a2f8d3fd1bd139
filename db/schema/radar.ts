import { boolean, index, pgTable, text } from 'drizzle-orm/pg-core';
import { perAccount, sourceEventColumns } from './columns';

/** Card networks' fraud warnings, next to disputes for a fraud-ops team. */
export const earlyFraudWarnings = pgTable(
  'early_fraud_warnings',
  {
    id: text('id').notNull(),
    chargeId: text('charge_id'),
    paymentIntentId: text('payment_intent_id'),
    fraudType: text('fraud_type'),
    /** Still worth refunding to avoid a dispute; false once refunded or disputed. */
    actionable: boolean('actionable').notNull(),
    livemode: boolean('livemode').notNull(),
    ...sourceEventColumns,
  },
  (table) => [
    perAccount('early_fraud_warnings', table),
    index('early_fraud_warnings_charge_idx').on(table.chargeId),
  ],
);

/** Radar reviews (no IP address or session: that is the customer's). */
export const reviews = pgTable(
  'reviews',
  {
    id: text('id').notNull(),
    chargeId: text('charge_id'),
    paymentIntentId: text('payment_intent_id'),
    /** open or closed. */
    status: text('status').notNull(),
    reason: text('reason'),
    openedReason: text('opened_reason'),
    closedReason: text('closed_reason'),
    livemode: boolean('livemode').notNull(),
    ...sourceEventColumns,
  },
  (table) => [perAccount('reviews', table), index('reviews_charge_idx').on(table.chargeId)],
);

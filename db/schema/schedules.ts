import { boolean, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { perAccount, sourceEventColumns } from './columns';

/** Planned subscription changes: what phase a customer is in, and when it ends. */
export const subscriptionSchedules = pgTable(
  'subscription_schedules',
  {
    id: text('id').notNull(),
    customerId: text('customer_id').notNull(),
    subscriptionId: text('subscription_id'),
    status: text('status').notNull(),
    endBehavior: text('end_behavior'),
    currentPhaseStart: timestamp('current_phase_start', { withTimezone: true }),
    currentPhaseEnd: timestamp('current_phase_end', { withTimezone: true }),
    releasedSubscriptionId: text('released_subscription_id'),
    canceledAt: timestamp('canceled_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    livemode: boolean('livemode').notNull(),
    metadata: jsonb('metadata').$type<Record<string, string>>(),
    ...sourceEventColumns,
  },
  (table) => [
    perAccount('subscription_schedules', table),
    index('subscription_schedules_customer_idx').on(table.customerId),
    index('subscription_schedules_subscription_idx').on(table.subscriptionId),
  ],
);

import { boolean, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { sourceEventColumns } from './columns';

/**
 * Stripe Entitlements, as Stripe computes them: one summary per customer (keyed by the customer
 * id), whose active entitlements are replaced whole each time the summary row is written.
 */
export const entitlementSummaries = pgTable('entitlement_summaries', {
  /** The customer: a summary has no id of its own. */
  id: text('customer_id').primaryKey(),
  livemode: boolean('livemode').notNull(),
  ...sourceEventColumns,
});

export const activeEntitlements = pgTable(
  'active_entitlements',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id')
      .notNull()
      .references(() => entitlementSummaries.id, { onDelete: 'cascade' }),
    featureId: text('feature_id').notNull(),
    /** The feature's lookup key: what an application checks (`has 'journeys'`). */
    lookupKey: text('lookup_key').notNull(),
    livemode: boolean('livemode').notNull(),
  },
  (table) => [index('active_entitlements_customer_lookup_idx').on(table.customerId, table.lookupKey)],
);

/** Features named by summaries (id and lookup key; name and active when the feature is expanded). */
export const entitlementFeatures = pgTable('entitlement_features', {
  id: text('id').primaryKey(),
  lookupKey: text('lookup_key').notNull(),
  name: text('name'),
  active: boolean('active'),
  livemode: boolean('livemode').notNull(),
  metadata: jsonb('metadata').$type<Record<string, string>>(),
  ...sourceEventColumns,
});

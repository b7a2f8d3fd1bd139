import { boolean, foreignKey, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { accountColumn, perAccount, sourceEventColumns } from './columns';

/**
 * Stripe Entitlements, as Stripe computes them: one summary per customer (keyed by the customer
 * id), whose active entitlements are replaced whole each time the summary row is written.
 */
export const entitlementSummaries = pgTable(
  'entitlement_summaries',
  {
    /** The customer: a summary has no id of its own. */
    id: text('customer_id').notNull(),
    livemode: boolean('livemode').notNull(),
    ...sourceEventColumns,
  },
  (table) => [perAccount('entitlement_summaries', table)],
);

export const activeEntitlements = pgTable(
  'active_entitlements',
  {
    id: text('id').notNull(),
    customerId: text('customer_id').notNull(),
    featureId: text('feature_id').notNull(),
    /** The feature's lookup key: what an application checks (`has 'journeys'`). */
    lookupKey: text('lookup_key').notNull(),
    livemode: boolean('livemode').notNull(),
    ...accountColumn,
  },
  (table) => [
    perAccount('active_entitlements', table),
    // Composite, so checked for connected accounts' rows only (see subscriptions.ts).
    foreignKey({
      name: 'active_entitlements_summary_fk',
      columns: [table.account, table.customerId],
      foreignColumns: [entitlementSummaries.account, entitlementSummaries.id],
    }).onDelete('cascade'),
    index('active_entitlements_customer_lookup_idx').on(table.customerId, table.lookupKey),
  ],
);

/** Features named by summaries (id and lookup key; name and active when the feature is expanded). */
export const entitlementFeatures = pgTable(
  'entitlement_features',
  {
    id: text('id').notNull(),
    lookupKey: text('lookup_key').notNull(),
    name: text('name'),
    active: boolean('active'),
    livemode: boolean('livemode').notNull(),
    metadata: jsonb('metadata').$type<Record<string, string>>(),
    ...sourceEventColumns,
  },
  (table) => [perAccount('entitlement_features', table)],
);

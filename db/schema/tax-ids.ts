import { boolean, index, pgTable, text } from 'drizzle-orm/pg-core';
import { perAccount, sourceEventColumns } from './columns';

/**
 * A customer's tax ids: their type, country and verification, not the number itself (an
 * individual's tax number is personal data; Stripe prints it on invoices). Deleted by
 * customer.tax_id.deleted.
 */
export const taxIds = pgTable(
  'tax_ids',
  {
    id: text('id').notNull(),
    /** Null for the account's own tax ids (owner.type = self or account). */
    customerId: text('customer_id'),
    /** eu_vat, gb_vat, us_ein, ... */
    type: text('type'),
    country: text('country'),
    verificationStatus: text('verification_status'),
    livemode: boolean('livemode').notNull(),
    deleted: boolean('deleted').notNull().default(false),
    ...sourceEventColumns,
  },
  (table) => [perAccount('tax_ids', table), index('tax_ids_customer_idx').on(table.customerId)],
);

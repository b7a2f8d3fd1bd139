import { boolean, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { perAccount, sourceEventColumns } from './columns';

export const customers = pgTable(
  'customers',
  {
    id: text('id').notNull(),
    email: text('email'),
    name: text('name'),
    deleted: boolean('deleted').notNull().default(false),
    /** The card on file: invoice_settings.default_payment_method, else the legacy default_source. */
    defaultPaymentMethodId: text('default_payment_method_id'),
    livemode: boolean('livemode').notNull(),
    metadata: jsonb('metadata').$type<Record<string, string>>(),
    ...sourceEventColumns,
  },
  (table) => [perAccount('customers', table)],
);

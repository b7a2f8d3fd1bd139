import { boolean, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { sourceEventColumns } from './columns';

export const customers = pgTable('customers', {
  id: text('id').primaryKey(),
  email: text('email'),
  name: text('name'),
  deleted: boolean('deleted').notNull().default(false),
  livemode: boolean('livemode').notNull(),
  metadata: jsonb('metadata').$type<Record<string, string>>(),
  ...sourceEventColumns,
});

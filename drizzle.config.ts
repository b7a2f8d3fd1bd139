import { defineConfig } from 'drizzle-kit';
import { readLocalDatabaseUrl } from './db/local-database-url';

// `drizzle-kit studio` (and push/pull) on DATABASE_URL, else on the embedded database of a running
// `npm start`. `drizzle-kit generate` needs neither.
const url = process.env.DATABASE_URL?.trim() || readLocalDatabaseUrl();

export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  ...(url ? { dbCredentials: { url } } : {}),
});

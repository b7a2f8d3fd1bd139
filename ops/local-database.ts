import postgres from 'postgres';
import { openPostgres } from '../db/client';
import type { DatabaseHandle } from '../db/client';
import { localDatabaseUrlFile, readLocalDatabaseUrl } from '../db/local-database-url';

type Env = Record<string, string | undefined>;

/** DATABASE_URL, else the embedded database of a running `npm start` (.data/database-url). */
export function opsDatabaseUrl(env: Env): { databaseUrl: string | undefined; databaseUrlFile?: string } {
  const explicit = env.DATABASE_URL?.trim();
  if (explicit) return { databaseUrl: explicit };
  const local = readLocalDatabaseUrl(env);
  return local
    ? { databaseUrl: local, databaseUrlFile: localDatabaseUrlFile(env) }
    : { databaseUrl: undefined };
}

/** Opens the database; one found through npm start's file must answer, or the message says why. */
export async function openOpsDatabase(url: string, file: string | undefined): Promise<DatabaseHandle> {
  if (file) {
    const probe = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
    try {
      await probe`select 1`;
    } catch (err) {
      throw new Error(
        `DATABASE_URL is unset and npm start's embedded database (${url}, from ${file}) does not ` +
          `answer (${err instanceof Error ? err.message : String(err)}): is \`npm start\` running? ` +
          'Start it, or set DATABASE_URL.',
      );
    } finally {
      await probe.end();
    }
  }
  return openPostgres(url);
}

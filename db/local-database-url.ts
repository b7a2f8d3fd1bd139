import { readFileSync } from 'node:fs';
import path from 'node:path';

type Env = Record<string, string | undefined>;

/**
 * Where `npm start` writes the postgres:// URL of its embedded database while it runs, so the
 * operations CLI and drizzle-kit reach it with nothing configured (DATABASE_URL still wins).
 */
export function localDatabaseUrlFile(env: Env = process.env): string {
  return path.resolve(env.DATA_DIR?.trim() || '.data', 'database-url');
}

export function readLocalDatabaseUrl(env: Env = process.env): string | undefined {
  try {
    return readFileSync(localDatabaseUrlFile(env), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

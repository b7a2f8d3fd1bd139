/**
 * `npm start`'s billing database when DATABASE_URL is unset: a real Postgres 16 with its data in
 * .data/postgres, on 127.0.0.1:POSTGRES_DEV_PORT (5434: 5432 is a local Postgres's, 5433
 * docker-compose's), database `billing`. While it runs, its URL is in .data/database-url, where
 * `npm run ops` and drizzle-kit find it; psql and any application take the printed URL.
 *
 * Not PGlite served by @electric-sql/pglite-socket, tried first (docs/pglite-socket.md): it takes one
 * connection unless told more, and with more it multiplexes them all onto PGlite's single session
 * (every client sees the same backend pid). Advisory locks then exclude nobody, a transaction left
 * open in psql stalls the worker, and the worker's own in-process PGlite queries interleaved with
 * socket clients' broke their protocol state ("portal does not exist").
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { positiveInt } from '../common/config';
import { logger } from '../common/logger';
import { localDatabaseUrlFile } from '../db/local-database-url';
import { isPortFree } from './dev-server';
import { runningPostmaster, startEmbeddedPostgres } from './embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  /** The "Database" line npm start prints. */
  description: string;
  stop(): Promise<void>;
}

/** Relative to the current folder when inside it, as the README shows paths. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const port = positiveInt(process.env, 'POSTGRES_DEV_PORT', 5434);
  const postgresDir = path.join(dataDir, 'postgres');
  if (!(await isPortFree(port)) && !runningPostmaster(postgresDir)) {
    throw new Error(
      `port ${port} is already in use. Choose another port for the embedded Postgres with ` +
        'POSTGRES_DEV_PORT, or use your own Postgres with DATABASE_URL.',
    );
  }
  if (existsSync(path.join(dataDir, 'pglite'))) {
    logger.warn(
      `${path.join(dataDir, 'pglite')} is the PGlite database of earlier versions; npm start now runs ` +
        'a real Postgres and no longer reads it. Delete it once you no longer need it.',
    );
  }
  logger.info('starting the embedded Postgres (the first start creates it, a few seconds)');
  const server = await startEmbeddedPostgres({
    dataDir: postgresDir,
    port,
    database: 'billing',
    logFile: path.join(dataDir, 'postgres.log'),
    durable: true,
  });
  logger.info(server.timings, 'embedded Postgres ready');
  const urlFile = localDatabaseUrlFile();
  await writeFile(urlFile, `${server.url}\n`);
  return {
    url: server.url,
    description:
      `${server.url}\n                  (embedded Postgres 16 in ${shown(postgresDir)}; ` +
      `\`npm run ops\` reads the URL from ${shown(urlFile)})`,
    async stop() {
      await rm(urlFile, { force: true });
      await server.stop();
    },
  };
}

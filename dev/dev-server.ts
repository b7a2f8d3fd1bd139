/**
 * Starts a real `temporal server start-dev` and configures it the way the contract needs:
 * the Stripe search attributes registered, and namespace retention raised from the dev server's
 * 24 h to 30 days so workflow-ID dedupe covers Stripe's 3-day retry window.
 *
 * Both settings are applied over the API after start, not only by flags: start-dev's
 * --search-attribute flags apply only when a db file is first created.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { ConnectionLike } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE } from '../common/event-workflow';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../common/search-attributes';
import { connectClient } from '../common/temporal-connection';
import type { TemporalConfig } from '../common/temporal-connection';
import { configureNamespace } from './namespace';
import { stopChild } from './stop-child';
import { findOrBuildTemporalCli } from './temporal-cli';

// Moved to ./namespace (the cluster uses them too); re-exported for existing imports.
export { configureNamespace, RETENTION_DAYS } from './namespace';

export interface DevServerOptions {
  port?: number;
  /** false: no Web UI. */
  uiPort?: number | false;
  /** Persist state here; in memory when absent. */
  dbFilename?: string;
  namespace?: string;
  /** The server's own output goes here (it is chatty); discarded when absent. */
  logFile?: string;
  readyTimeoutMs?: number;
  /** `--sqlite-pragma` values for a db file, e.g. `{ journal_mode: 'wal', synchronous: 'normal' }`. */
  sqlitePragmas?: Record<string, string>;
  /** The codec server the Web UI decodes payloads through (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string | undefined;
  /** Extra `--dynamic-config-value` settings, e.g. `{ 'frontend.namespaceRPS': '2' }` for a test. */
  dynamicConfig?: Record<string, string>;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl: string | undefined;
  stop(): Promise<void>;
  /** The CLI process's pid, so a fault test can SIGKILL it; undefined for the SDK-downloaded server. */
  pid: number | undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * What `npm start` and the benchmark run the dev server with: measured with `npm run bench` at
 * 100 events/s (dev-server CPU per event, two alternating rounds on a loaded 2-core machine):
 * WAL alone 15.3 and 14.2 ms; with the cache pragmas 13.4 and 12.4; one task-queue partition 13.1
 * and 11.0. WAL: 43 % less CPU than SQLite's rollback journal; NORMAL syncs at checkpoints (a process
 * crash loses nothing, an OS crash may lose the last commits, fine for a development server). A
 * 64 MiB page cache, temporary tables in memory and a 256 MiB memory map keep the hot visibility
 * and history pages out of the file system. One partition per task queue: with one worker, four
 * partitions only make pollers and tasks miss each other.
 */
export const LOCAL_DEV_SERVER_TUNING = {
  sqlitePragmas: {
    journal_mode: 'wal',
    synchronous: 'normal',
    cache_size: '-65536',
    temp_store: 'memory',
    mmap_size: '268435456',
  },
  dynamicConfig: {
    'matching.numTaskqueueReadPartitions': '1',
    'matching.numTaskqueueWritePartitions': '1',
  },
} satisfies Pick<DevServerOptions, 'sqlitePragmas' | 'dynamicConfig'>;

// The worker that schedules an activity may start it at once, in the workflow-task reply, instead
// of through another round trip via the task queue: POST → committed row drops from ~100 to ~50 ms.
const EAGER_ACTIVITIES = ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'];

export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The dev server speaks plain gRPC on loopback: no TLS, no API key. */
function devServerConfig(address: string, namespace: string): TemporalConfig {
  return { address, namespace, taskQueue: DEFAULT_TASK_QUEUE };
}

async function waitUntilReady(
  config: TemporalConfig,
  timeoutMs: number,
  exited: () => string | undefined,
): Promise<ConnectionLike> {
  const { address } = config;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const exit = exited();
    if (exit) throw new Error(`temporal server start-dev exited before it was ready (${exit})`);
    try {
      const { connection } = await connectClient(config, { connectTimeoutMs: 1000 });
      try {
        await connection.withDeadline(Date.now() + 2000, () => connection.workflowService.getSystemInfo({}));
      } catch (err) {
        await connection.close();
        throw err;
      }
      return connection;
    } catch (err) {
      lastError = err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`Temporal dev server at ${address} not ready after ${timeoutMs} ms: ${String(lastError)}`);
}

function cliArgs(options: DevServerOptions, port: number, uiPort: number | false): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)];
  args.push(...EAGER_ACTIVITIES);
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${key}=${value}`);
  }
  args.push(...(uiPort === false ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (uiPort !== false && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  for (const [pragma, value] of Object.entries(options.sqlitePragmas ?? {})) {
    args.push('--sqlite-pragma', `${pragma}=${value}`);
  }
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_DEFINITIONS)) {
    args.push('--search-attribute', `${name}=${type}`);
  }
  return args;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const namespace = options.namespace ?? 'default';
  const port = options.port ?? (await freePort());
  const uiPort = options.uiPort ?? false;
  if (options.dbFilename) mkdirSync(path.dirname(options.dbFilename), { recursive: true });
  const cli = findOrBuildTemporalCli();
  if (!cli) return startWithSdkDownload(options, namespace, port, uiPort);

  const child = spawn(cli.path, cliArgs(options, port, uiPort), { stdio: ['ignore', 'pipe', 'pipe'] });
  if (options.logFile) {
    mkdirSync(path.dirname(options.logFile), { recursive: true });
    const log = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  } else {
    child.stdout?.resume();
    child.stderr?.resume();
  }
  let exitReason: string | undefined;
  child.once('exit', (code, signal) => (exitReason = `exit code ${code}, signal ${signal}`));
  const address = `127.0.0.1:${port}`;
  try {
    const connection = await waitUntilReady(
      devServerConfig(address, namespace),
      options.readyTimeoutMs ?? 60_000,
      () => exitReason,
    );
    await configureNamespace(connection, namespace);
    await connection.close();
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return {
    address,
    namespace,
    uiUrl: uiPort === false ? undefined : `http://localhost:${uiPort}`,
    stop: () => stopChild(child),
    pid: child.pid,
  };
}

/** Last resort where no CLI and no Go exist: the SDK downloads the dev server (needs internet). */
async function startWithSdkDownload(
  options: DevServerOptions,
  namespace: string,
  port: number,
  uiPort: number | false,
): Promise<DevServer> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port,
      ui: uiPort !== false,
      ...(uiPort === false ? {} : { uiPort }),
      ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
      namespace,
      extraArgs: [...EAGER_ACTIVITIES],
    },
  });
  const address = `127.0.0.1:${port}`;
  const { connection } = await connectClient(devServerConfig(address, namespace));
  await configureNamespace(connection, namespace);
  await connection.close();
  return {
    address,
    namespace,
    uiUrl: uiPort === false ? undefined : `http://localhost:${uiPort}`,
    stop: () => env.teardown(),
    pid: undefined,
  };
}

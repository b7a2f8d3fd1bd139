/**
 * What the benchmark and the soak share: the build of every process, the dev server (a db file
 * like `npm start`, or in memory), the payload key, a log folder per run, and the settings they read.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { generatePayloadKey } from '../../common/payload-keys';
import { LOCAL_DEV_SERVER_TUNING, startDevServer } from '../../dev/dev-server';
import type { DevServer } from '../../dev/dev-server';
import { buildForBench, ROOT } from './build';
import type { DesignContext } from './designs';
import { devServerPid } from './proc';

export interface BenchEnvironment {
  context: DesignContext;
  server: DevServer;
  /** How the dev server was run, for the report. */
  devServer: { db: string; sqlitePragmas: Record<string, string>; dynamicConfig: Record<string, string> };
  stop(): Promise<void>;
}

/** `name=value,name=value` → { name: value }. */
export function pairs(raw: string): Record<string, string> {
  return Object.fromEntries(
    raw
      .split(',')
      .filter(Boolean)
      .map((pair) => {
        const [key, ...value] = pair.split('=');
        return [key!.trim(), value.join('=').trim()];
      }),
  );
}

/** `name=value,...` of `npm start`'s dev-server settings (dev/dev-server.ts, LOCAL_DEV_SERVER_TUNING). */
const joined = (settings: Record<string, string>) =>
  Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
export const DEFAULT_SQLITE_PRAGMAS = joined(LOCAL_DEV_SERVER_TUNING.sqlitePragmas);
export const DEFAULT_DEV_SERVER_DYNAMIC_CONFIG = joined(LOCAL_DEV_SERVER_TUNING.dynamicConfig);

/**
 * Every process of the run, and the harness's own clients, encrypt payloads as production does:
 * one key per run, unless the caller gave keys or chose plaintext.
 */
function ensurePayloadKey(): void {
  const { env } = process;
  if (
    env.TEMPORAL_PAYLOAD_KEYS ||
    env.TEMPORAL_PAYLOAD_KEYS_FILE ||
    env.TEMPORAL_PAYLOAD_ENCRYPTION === 'off'
  )
    return;
  env.TEMPORAL_PAYLOAD_KEYS = generatePayloadKey(`bench-${process.pid}`);
}

export async function startBenchEnvironment(name: string): Promise<BenchEnvironment> {
  ensurePayloadKey();
  const startedAt = new Date().toISOString();
  const dataDir = path.join(ROOT, '.data', 'bench');
  const logDir = path.join(dataDir, 'logs', `${name}-${startedAt.replace(/[:.]/g, '-')}`);
  const db = process.env.BENCH_TEMPORAL_DB ?? 'file';
  const sqlitePragmas =
    db === 'file' ? pairs(process.env.BENCH_SQLITE_PRAGMAS ?? DEFAULT_SQLITE_PRAGMAS) : {};
  const dynamicConfig = pairs(
    process.env.BENCH_DEV_SERVER_DYNAMIC_CONFIG ?? DEFAULT_DEV_SERVER_DYNAMIC_CONFIG,
  );
  const dbFilename = db === 'file' ? path.join(dataDir, `temporal-${name}-${process.pid}.db`) : undefined;
  const build = await buildForBench(name);
  let server: DevServer;
  try {
    server = await startDevServer({
      ...(dbFilename ? { dbFilename } : {}),
      sqlitePragmas,
      dynamicConfig,
      logFile: path.join(logDir, 'dev-server.log'),
    });
  } catch (err) {
    build.remove();
    throw err;
  }
  const port = Number(server.address.split(':').at(-1));
  return {
    server,
    devServer: { db, sqlitePragmas, dynamicConfig },
    context: {
      buildDir: build.dir,
      logDir,
      temporal: { address: server.address, pid: devServerPid(port) },
      env: pairs(process.env.BENCH_TEMPORAL_ENV ?? ''),
    },
    async stop() {
      await server.stop();
      build.remove();
      if (dbFilename)
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFilename}${suffix}`, { force: true });
    },
  };
}

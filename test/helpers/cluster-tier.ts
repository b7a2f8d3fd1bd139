/**
 * The cluster tier's server: one real Temporal cluster (dev/cluster.ts: temporal-server on private
 * databases of the test Postgres, mTLS) started by test/run.ts for the whole tier, like the dev
 * server for the others. Its test files learn how to reach it from the environment only: the
 * TEMPORAL_* variables of its client certificate (what `npm run cluster` prints), read by the same
 * loader the services use, so mTLS applies to every client, worker, CLI and child process.
 *
 * Test files run in processes of their own, so a fault test cannot call `cluster.kill()` itself:
 * a loopback control endpoint, behind a per-run token, does it for them (clusterControl()).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startCluster } from '../../dev/cluster';
import type { Cluster } from '../../dev/cluster';
import { ADMIN_DATABASE_URL } from './db';

export interface TierCluster {
  cluster: Cluster;
  /** For the tier's test processes: TEMPORAL_* (mTLS), TEST_TEMPORAL_*, TEST_CLUSTER_*. */
  env: Record<string, string>;
  /** Stops the server and drops its databases. */
  stop(): Promise<void>;
}

/** `postgresUrl`: the run's Postgres (test/run.ts may have started a throwaway one). */
export async function startTierCluster(dir: string, postgresUrl = ADMIN_DATABASE_URL): Promise<TierCluster> {
  const cluster = await startCluster({
    dir,
    // Private databases on the shared Postgres, dropped at the end of the run.
    databasePrefix: `test_${randomBytes(4).toString('hex')}_`,
    postgresUrl,
    ui: false,
    log: () => {},
  });
  try {
    const control = await serveControl(cluster);
    return {
      cluster,
      env: {
        ...cluster.env,
        TEST_TEMPORAL_ADDRESS: cluster.address,
        TEST_TEMPORAL_NAMESPACE: cluster.namespace,
        TEST_CLUSTER_METRICS_URL: cluster.metricsUrl,
        TEST_CLUSTER_CERTS_DIR: path.dirname(cluster.certificates.ca),
        ...control.env,
      },
      async stop() {
        await control.close();
        await cluster.stop({ dropDatabases: true });
      },
    };
  } catch (err) {
    await cluster.stop({ dropDatabases: true });
    throw err;
  }
}

async function serveControl(cluster: Cluster) {
  const token = randomBytes(16).toString('hex');
  const server = createServer((req, res) => {
    const action = { '/kill': () => cluster.kill('SIGKILL'), '/start': () => cluster.start() }[req.url ?? ''];
    if (req.method !== 'POST' || req.headers.authorization !== `Bearer ${token}` || !action) {
      res.writeHead(404).end();
      return;
    }
    action().then(
      () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pid: cluster.pid })),
      (err: unknown) => res.writeHead(500).end(err instanceof Error ? err.message : String(err)),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    env: { TEST_CLUSTER_CONTROL_URL: `http://127.0.0.1:${port}`, TEST_CLUSTER_CONTROL_TOKEN: token },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The tier's cluster, from a test file: SIGKILL its server, start it again on the same databases. */
export function clusterControl(): { kill(): Promise<number>; start(): Promise<number> } {
  const url = process.env.TEST_CLUSTER_CONTROL_URL;
  const token = process.env.TEST_CLUSTER_CONTROL_TOKEN;
  if (!url || !token) {
    throw new Error(
      'TEST_CLUSTER_CONTROL_URL is not set: run the cluster tier through `npm test -- cluster`',
    );
  }
  const call = async (action: string): Promise<number> => {
    const response = await fetch(`${url}/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`cluster ${action} failed: ${await response.text()}`);
    return ((await response.json()) as { pid: number }).pid;
  };
  return { kill: () => call('kill'), start: () => call('start') };
}

export const CLUSTER_FULL = process.env.CLUSTER_FULL === '1';

/** `fast` in `npm test`, `full` with CLUSTER_FULL=1 (`npm run test:cluster`). */
export function clusterSize<T>(fast: T, full: T): T {
  return CLUSTER_FULL ? full : fast;
}

/**
 * The benchmark's Temporal cluster (dev/cluster.ts): temporal-server v1.29.1 on private databases
 * of the local Postgres, with mTLS, started only for the designs that use it and stopped (its
 * databases dropped) right after, so it costs the other designs nothing.
 */
import path from 'node:path';
import { startCluster } from '../../dev/cluster';
import type { Cluster } from '../../dev/cluster';
import { ADMIN_DATABASE_URL } from '../../test/helpers/db';
import { cpuMs } from './proc';

export interface ClusterTarget {
  address: string;
  /** The temporal-server process (all four services). */
  pid: number | undefined;
  /** TEMPORAL_* variables with the client certificate, for the design's processes. */
  env: Record<string, string>;
  /** Its persistence and visibility databases: their backends count as the design's Postgres CPU. */
  databases: string[];
  metricsUrl: string;
  /** temporal-server's CPU with nothing to do (its own housekeeping), measured at start. */
  idleCpuMsPerSecond: number | undefined;
  stop(): Promise<void>;
}

async function idleCpu(pid: number | undefined, ms = 5000): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const before = cpuMs(pid);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return Math.round(((cpuMs(pid) - before) / ms) * 1000);
}

export async function startClusterTarget(
  logDir: string,
  log: (line: string) => void,
): Promise<ClusterTarget> {
  const cluster: Cluster = await startCluster({
    // Its logs stay with the run's other logs.
    dir: path.join(logDir, 'cluster'),
    databasePrefix: `bench_${process.pid}_`,
    postgresUrl: ADMIN_DATABASE_URL,
    ui: false,
    log,
  });
  const idleCpuMsPerSecond = await idleCpu(cluster.pid);
  log(`cluster ${cluster.address} ready in ${cluster.timings.total} ms, idle CPU ${idleCpuMsPerSecond} ms/s`);
  return {
    idleCpuMsPerSecond,
    address: cluster.address,
    pid: cluster.pid,
    env: cluster.env,
    databases: [cluster.databases.main, cluster.databases.visibility],
    metricsUrl: cluster.metricsUrl,
    stop: () => cluster.stop({ dropDatabases: true }),
  };
}

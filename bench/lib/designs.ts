/**
 * The designs under test, each as separate processes on its own fresh Postgres database:
 *
 * - temporal:         this project as `npm start` runs it: `combined/main.js`, the ingress and the
 *                     worker in one process on one NativeConnection with eager workflow start, on
 *                     the bench's dev server;
 * - temporal-split:   the separate `ingress/main.js` and `worker/main.js`, for those who scale them
 *                     apart (every start's first workflow task goes through matching);
 * - temporal-cluster: the combined process on a real Temporal cluster (temporal-server on Postgres,
 *                     mTLS: the process gets its client-certificate variables);
 * - inline:           bench/servers/inline.ts, verify + idempotency claim + business change in the request;
 * - queue:            bench/servers/queue-ingress.ts and queue-worker.ts, BullMQ on the local Redis.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { freePort } from '../../dev/dev-server';
import { createTestDatabase } from '../../test/helpers/db';
import type { TestDatabase } from '../../test/helpers/db';
import { redisConnection } from '../servers/env';
import type { ClusterTarget } from './cluster-target';
import { databaseOf } from './postgres-cpu';
import { redisPid } from './proc';
import { startNodeProcess, waitForHttp } from './processes';
import type { NodeProcess } from './processes';

export const DESIGNS = ['temporal', 'temporal-split', 'temporal-cluster', 'inline', 'queue'] as const;
export type DesignName = (typeof DESIGNS)[number];

export const BENCH_SECRET = 'whsec_bench_secret';

export interface RunningDesign {
  name: DesignName;
  /** Base URL of its webhook endpoint. */
  url: string;
  /** The Temporal task queue (temporal designs only). */
  taskQueue?: string;
  /** The TEMPORAL_* variables its processes got (temporal designs only), for the harness's own client. */
  temporalEnv?: Record<string, string>;
  database: TestDatabase;
  /** The design's own processes by role (ingress, worker, or combined), whose CPU and memory are reported. */
  processes: Record<string, number>;
  /** The shared broker it relies on (dev server, temporal-server, Redis), reported apart. */
  broker: Record<string, number>;
  /** The Postgres databases it uses (its own, and the cluster's): their backends' CPU is its too. */
  postgresDatabases: string[];
  /** Temporal's Prometheus endpoint (temporal-cluster only), for where the time goes. */
  metricsUrl?: string;
  /** Throws when one of its processes has exited. */
  assertAlive(): void;
  stop(): Promise<void>;
}

export interface DesignContext {
  buildDir: string;
  logDir: string;
  temporal: { address: string; pid: number | undefined };
  /** The cluster, while one runs (temporal-cluster, the codec measurement). */
  cluster?: ClusterTarget;
  /** Extra environment for the Temporal worker and ingress (tuning experiments, codec off). */
  env?: Record<string, string>;
}

function running(
  name: DesignName,
  url: string,
  database: TestDatabase,
  children: Record<string, NodeProcess>,
  broker: Record<string, number | undefined>,
  cleanup: () => Promise<void> = async () => {},
): RunningDesign {
  const all = Object.values(children);
  return {
    name,
    url,
    database,
    processes: Object.fromEntries(Object.entries(children).map(([role, child]) => [role, child.pid])),
    broker: Object.fromEntries(
      Object.entries(broker).filter((entry): entry is [string, number] => entry[1] !== undefined),
    ),
    postgresDatabases: [databaseOf(database.url)],
    assertAlive() {
      const exit = all.map((child) => child.exited()).find(Boolean);
      if (exit) throw new Error(`${name}: ${exit}`);
    },
    async stop() {
      // Ingress first, so nothing new arrives while the worker drains.
      for (const child of all) await child.stop();
      await cleanup();
      await database.drop();
    },
  };
}

export async function startDesign(name: DesignName, context: DesignContext): Promise<RunningDesign> {
  const database = await createTestDatabase();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const file = (relative: string) => path.join(context.buildDir, relative);
  const log = (role: string) => path.join(context.logDir, `${name}-${role}.log`);
  const common = { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', STRIPE_WEBHOOK_SECRET: BENCH_SECRET };
  const children: Record<string, NodeProcess> = {};
  try {
    if (name === 'temporal' || name === 'temporal-split' || name === 'temporal-cluster') {
      const cluster = name === 'temporal-cluster' ? context.cluster : undefined;
      if (name === 'temporal-cluster' && !cluster) throw new Error('temporal-cluster needs context.cluster');
      const temporalEnv = {
        ...common,
        ...cluster?.env,
        ...context.env,
        TEMPORAL_ADDRESS: cluster?.address ?? context.temporal.address,
        TEMPORAL_TASK_QUEUE: `bench-${randomBytes(4).toString('hex')}`,
      };
      if (name === 'temporal-split') {
        children.ingress = startNodeProcess(
          'ingress',
          file('ingress/main.js'),
          { ...temporalEnv, PORT: String(port), SERVICE_NAME: `bench-${name}-ingress` },
          log('ingress'),
        );
        children.worker = startNodeProcess(
          'worker',
          file('worker/main.js'),
          { ...temporalEnv, DATABASE_URL: database.url, SERVICE_NAME: `bench-${name}-worker` },
          log('worker'),
        );
      } else {
        children.combined = startNodeProcess(
          'combined',
          file('combined/main.js'),
          {
            ...temporalEnv,
            PORT: String(port),
            DATABASE_URL: database.url,
            SERVICE_NAME: `bench-${name}-combined`,
          },
          log('combined'),
        );
      }
      await waitForHttp(`${url}/readyz`, Object.values(children));
      const broker = cluster ? { temporalServer: cluster.pid } : { devServer: context.temporal.pid };
      const design = running(name, url, database, children, broker);
      return {
        ...design,
        taskQueue: temporalEnv.TEMPORAL_TASK_QUEUE,
        temporalEnv,
        postgresDatabases: [...design.postgresDatabases, ...(cluster?.databases ?? [])],
        ...(cluster ? { metricsUrl: cluster.metricsUrl } : {}),
      };
    }
    if (name === 'inline') {
      children.ingress = startNodeProcess(
        'inline',
        file('bench/servers/inline.js'),
        { ...common, PORT: String(port), DATABASE_URL: database.url, SERVICE_NAME: 'bench-inline' },
        log('server'),
      );
      await waitForHttp(`${url}/healthz`, Object.values(children));
      return running(name, url, database, children, {});
    }
    const queueName = `stripe-bench-${randomBytes(4).toString('hex')}`;
    const queueEnv = { ...common, BENCH_QUEUE_NAME: queueName };
    children.ingress = startNodeProcess(
      'queue-ingress',
      file('bench/servers/queue-ingress.js'),
      { ...queueEnv, PORT: String(port), SERVICE_NAME: 'bench-queue-ingress' },
      log('ingress'),
    );
    children.worker = startNodeProcess(
      'queue-worker',
      file('bench/servers/queue-worker.js'),
      { ...queueEnv, DATABASE_URL: database.url, SERVICE_NAME: 'bench-queue-worker' },
      log('worker'),
    );
    await waitForHttp(`${url}/healthz`, Object.values(children));
    return running(name, url, database, children, { redis: redisPid() }, () => obliterateQueue(queueName));
  } catch (err) {
    for (const child of Object.values(children)) await child.stop();
    await database.drop();
    throw err;
  }
}

/** The bench's queue lives in a shared Redis: remove its jobs (kept 3 days by policy) afterwards. */
async function obliterateQueue(queueName: string): Promise<void> {
  const { Queue } = await import('bullmq');
  const queue = new Queue(queueName, { connection: redisConnection() });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}

/**
 * The production entry points as real child processes, for the fault tests: `node --import tsx
 * worker/main.ts` and `ingress/main.ts`, configured only through their environment, killable with
 * a real SIGKILL. Each writes its log to its own file under TEST_LOG_DIR (test/run.ts sets it and
 * scans every file there for personal data after the run).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { freePort } from '../../dev/dev-server';
import { stopChild } from '../../dev/stop-child';
import { isTemporalConnectionVariable, testTemporalEnv } from './test-env';

const ROOT = path.join(__dirname, '..', '..');

/** Where child processes write their logs: the run's log folder, or a temp folder outside npm test. */
export function testLogDir(): string {
  const dir = process.env.TEST_LOG_DIR ?? path.join(os.tmpdir(), 'stripe-temporal-test-logs');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface ServiceProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves when the process has exited, with how. */
  exited: Promise<string>;
  isRunning(): boolean;
  /** Resident set size in bytes, read from /proc. */
  rssBytes(): number;
  /** SIGKILL: no shutdown hook runs, in-flight work is abandoned mid-way. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<void>;
}

function spawnService(name: string, entry: string, env: NodeJS.ProcessEnv): ServiceProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    // The parent's environment minus anything that would change the service under test.
    env: { ...withoutServiceVariables(process.env), LOG_LEVEL: 'warn', SERVICE_NAME: name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${name}`);
  const logFile = path.join(testLogDir(), `${name}-${child.pid}.log`);
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`)),
  );
  const pid = child.pid;
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    pid,
    logFile,
    exited,
    isRunning,
    rssBytes() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
      if (kb === undefined) throw new Error(`no VmRSS for ${name} (${pid})`);
      return Number(kb) * 1024;
    },
    async kill() {
      if (isRunning()) child.kill('SIGKILL');
      await exited;
    },
    stop: () => stopChild(child, 15_000),
  };
}

const SERVICE_VARIABLES = [
  'DATABASE_URL',
  'TEMPORAL_TASK_QUEUE',
  'STRIPE_WEBHOOK_SECRET',
  // Set, it turns on the worker's reconciliation schedule, which calls Stripe.
  'STRIPE_API_KEY',
  'PORT',
];

/** The service variables and every Temporal connection variable: the test gives those explicitly. */
function withoutServiceVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of Object.keys(copy)) {
    if (SERVICE_VARIABLES.includes(name) || isTemporalConnectionVariable(name)) delete copy[name];
  }
  return copy;
}

/** The last lines of a process's log, for assertion messages (logs carry ids and types only). */
export function logTail(service: ServiceProcess, lines = 20): string {
  try {
    return readFileSync(service.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export interface TemporalTarget {
  address: string;
  taskQueue: string;
  /** TEMPORAL_NAMESPACE and TLS variables; the tier's (testTemporalEnv) by default. */
  env?: Record<string, string>;
}

/**
 * `worker/main.ts` on `databaseUrl`, resolved once Temporal lists it as a poller of the task queue
 * (its identity is `<pid>@<host>`), so work sent afterwards is picked up by this process.
 */
export async function startWorkerProcess(
  name: string,
  temporal: TemporalTarget & { client: Client },
  databaseUrl: string,
  /** More of the worker's own variables, e.g. WORKER_METRICS_ADDRESS. */
  env: NodeJS.ProcessEnv = {},
): Promise<ServiceProcess> {
  const worker = spawnService(name, 'worker/main.ts', {
    ...env,
    // The bundle test/run.ts made, once worker/main.ts reads this (it bundles at start otherwise).
    ...(process.env.TEST_WORKFLOW_BUNDLE ? { WORKFLOW_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE } : {}),
    DATABASE_URL: databaseUrl,
    ...(temporal.env ?? testTemporalEnv()),
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: temporal.taskQueue,
  });
  try {
    await waitUntil(
      async () => {
        if (!worker.isRunning())
          throw new Error(`${name} exited: ${await worker.exited}\n${logTail(worker)}`);
        return isPolling(temporal.client, temporal.taskQueue, worker.pid);
      },
      `${name} to poll ${temporal.taskQueue}`,
      60_000,
    );
  } catch (err) {
    await worker.kill();
    throw err;
  }
  return worker;
}

/**
 * examples/team-service (another team's subscriber worker), resolved once Temporal lists it as an
 * activity poller of `temporal.taskQueue` (the team's own). `receivedFile` is where it appends
 * each delivery.
 */
export async function startTeamServiceProcess(
  name: string,
  temporal: TemporalTarget & { client: Client },
  { receivedFile }: { receivedFile: string },
): Promise<ServiceProcess> {
  const { taskQueue } = temporal;
  const service = spawnService(name, 'examples/team-service/main.ts', {
    ...(temporal.env ?? testTemporalEnv()),
    TEMPORAL_ADDRESS: temporal.address,
    TEAM_SERVICE_TASK_QUEUE: taskQueue,
    TEAM_SERVICE_RECEIVED_FILE: receivedFile,
  });
  try {
    await waitUntil(
      async () => {
        if (!service.isRunning())
          throw new Error(`${name} exited: ${await service.exited}\n${logTail(service)}`);
        return isPolling(temporal.client, taskQueue, service.pid, 2); // TASK_QUEUE_TYPE_ACTIVITY
      },
      `${name} to poll ${taskQueue}`,
      60_000,
    );
  } catch (err) {
    await service.kill();
    throw err;
  }
  return service;
}

async function isPolling(
  client: Client,
  taskQueue: string,
  pid: number,
  taskQueueType = 1,
): Promise<boolean> {
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType, // 1: TASK_QUEUE_TYPE_WORKFLOW, 2: TASK_QUEUE_TYPE_ACTIVITY
  });
  return (pollers ?? []).some((poller) => poller.identity?.startsWith(`${pid}@`));
}

export interface IngressProcess extends ServiceProcess {
  port: number;
  url: string;
  webhookUrl: string;
}

export interface IngressProcessOptions {
  secret: string;
  /** Reuse a port (a restarted ingress); a free one otherwise. */
  port?: number;
  startTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxBodyBytes?: number;
}

/** `ingress/main.ts`, resolved once it answers /healthz. */
export async function startIngressProcess(
  name: string,
  temporal: TemporalTarget,
  options: IngressProcessOptions,
): Promise<IngressProcess> {
  const port = options.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    PORT: String(port),
    STRIPE_WEBHOOK_SECRET: options.secret,
    ...(temporal.env ?? testTemporalEnv()),
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: temporal.taskQueue,
    TEMPORAL_START_TIMEOUT_MS: String(options.startTimeoutMs ?? 5000),
  };
  if (options.requestTimeoutMs) env.INGRESS_REQUEST_TIMEOUT_MS = String(options.requestTimeoutMs);
  if (options.maxBodyBytes) env.WEBHOOK_MAX_BODY_BYTES = String(options.maxBodyBytes);
  const ingress = spawnService(name, 'ingress/main.ts', env);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      async () => {
        if (!ingress.isRunning())
          throw new Error(`${name} exited: ${await ingress.exited}\n${logTail(ingress)}`);
        return fetch(`${url}/healthz`).then(
          (response) => response.ok,
          () => false,
        );
      },
      `${name} to answer /healthz`,
      30_000,
    );
  } catch (err) {
    await ingress.kill();
    throw err;
  }
  return { ...ingress, port, url, webhookUrl: `${url}/webhooks/stripe` };
}

/**
 * `combined/main.ts` (ingress and worker in one process, eager start), resolved once it answers
 * /healthz and Temporal lists it as a poller of the task queue.
 */
export async function startCombinedProcess(
  name: string,
  temporal: TemporalTarget & { client: Client },
  databaseUrl: string,
  options: IngressProcessOptions & { port: number },
): Promise<IngressProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  const combined = spawnService(name, 'combined/main.ts', {
    ...(process.env.TEST_WORKFLOW_BUNDLE ? { WORKFLOW_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE } : {}),
    DATABASE_URL: databaseUrl,
    PORT: String(options.port),
    STRIPE_WEBHOOK_SECRET: options.secret,
    ...(temporal.env ?? testTemporalEnv()),
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: temporal.taskQueue,
    TEMPORAL_START_TIMEOUT_MS: String(options.startTimeoutMs ?? 5000),
  });
  try {
    await waitUntil(
      async () => {
        if (!combined.isRunning())
          throw new Error(`${name} exited: ${await combined.exited}\n${logTail(combined)}`);
        const healthy = await fetch(`${url}/healthz`).then(
          (response) => response.ok,
          () => false,
        );
        return healthy && isPolling(temporal.client, temporal.taskQueue, combined.pid);
      },
      `${name} to answer /healthz and poll ${temporal.taskQueue}`,
      60_000,
    );
  } catch (err) {
    await combined.kill();
    throw err;
  }
  return { ...combined, port: options.port, url, webhookUrl: `${url}/webhooks/stripe` };
}

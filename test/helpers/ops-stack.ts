/**
 * The operations tests' stack: the real pipeline (ingress → dev server → worker → Postgres) of
 * test/helpers, a fake Stripe API, and the CLI's commands wired to the same clients. `cli(...)`
 * runs a command line in-process; `spawnCli(...)` runs the real bin through tsx.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { StripeActivities } from '../../activities';
import { parseConnectAccounts } from '../../common/config';
import { createDataConverter } from '../../common/data-converter';
import { createStripeApi } from '../../common/stripe-api';
import type { StripeApi } from '../../common/stripe-api';
import type { StripeEvent } from '../../common/stripe-event';
import { connectNativeConnection } from '../../common/temporal-connection';
import { runCommand } from '../../ops/cli';
import { createOps, loadOpsConfig } from '../../ops/context';
import type { Ops } from '../../ops/context';
import { createStripeWorker, workflowSource } from '../../worker/create-worker';
import { createTestDatabase, query } from './db';
import type { TestDatabase } from './db';
import { startFakeStripe } from './fake-stripe';
import type { FakeStripe } from './fake-stripe';
import { startTestIngress } from './ingress';
import type { TestIngress } from './ingress';
import { connectTestTemporal } from './temporal';
import type { TestTemporal } from './temporal';

const runFile = promisify(execFile);

export interface OpsStack {
  database: TestDatabase;
  temporal: TestTemporal;
  ingress: TestIngress;
  fake: FakeStripe;
  stripeApi: StripeApi;
  ops: Ops;
  /** The environment a separate CLI process needs to reach this stack. */
  env: NodeJS.ProcessEnv;
  /** A command line through the CLI's own dispatcher, with this stack's clients; returns its JSON value. */
  cli<T>(...argv: string[]): Promise<T>;
  /** The real CLI in a child process (`tsx ops/cli.ts ... --json`): exit code, parsed stdout, stderr. */
  spawnCli(...argv: string[]): Promise<{ code: number; json: unknown; stdout: string; stderr: string }>;
  /** (Re)starts the pipeline worker; `overrides` replaces handlers (a buggy deploy). */
  startWorker(options?: { overrides?: Partial<StripeActivities>; withStripeApi?: boolean }): Promise<void>;
  stopWorker(): Promise<void>;
  ledgerCount(): Promise<number>;
  stop(): Promise<void>;
}

export async function startOpsStack(
  name: string,
  /** STRIPE_CONNECT_ACCOUNTS for the worker's and the CLI's Stripe API. */
  { connectAccounts }: { connectAccounts?: string } = {},
): Promise<OpsStack> {
  const database = await createTestDatabase();
  const temporal = await connectTestTemporal(name);
  const fake = await startFakeStripe();
  const stripeApiConfig = {
    apiKey: fake.apiKey,
    baseUrl: fake.baseUrl,
    requestsPerSecond: 50,
    connectAccounts: parseConnectAccounts(connectAccounts),
  };
  const stripeApi = createStripeApi(stripeApiConfig);
  const ingress = await startTestIngress(temporal.client, temporal.config.taskQueue);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.config.address,
    TEMPORAL_NAMESPACE: temporal.config.namespace,
    TEMPORAL_TASK_QUEUE: temporal.config.taskQueue,
    DATABASE_URL: database.url,
    STRIPE_API_KEY: fake.apiKey,
    STRIPE_API_BASE: fake.baseUrl,
    TEMPORAL_UI_URL: 'http://localhost:8233',
    ...(connectAccounts && { STRIPE_CONNECT_ACCOUNTS: connectAccounts }),
  };
  const ops = createOps(loadOpsConfig(env), { client: temporal.client, db: database.db, stripeApi });
  const connection = await connectNativeConnection(temporal.config);
  let running: { worker: Worker; done: Promise<void> } | undefined;

  const stack: OpsStack = {
    database,
    temporal,
    ingress,
    fake,
    stripeApi,
    ops,
    env,
    async cli<T>(...argv: string[]) {
      return (await runCommand(ops, argv)).value as T;
    },
    async spawnCli(...argv) {
      const cli = path.join(__dirname, '..', '..', 'ops', 'cli.ts');
      try {
        const { stdout, stderr } = await runFile(
          process.execPath,
          ['--import', 'tsx', cli, ...argv, '--json'],
          { env },
        );
        return { code: 0, json: JSON.parse(stdout) as unknown, stdout, stderr };
      } catch (err) {
        const failed = err as { code: number; stdout: string; stderr: string };
        let json: unknown;
        try {
          json = JSON.parse(failed.stdout);
        } catch {
          json = undefined;
        }
        return { code: failed.code, json, stdout: failed.stdout, stderr: failed.stderr };
      }
    },
    async startWorker({ overrides, withStripeApi } = {}) {
      await stack.stopWorker();
      const worker = overrides
        ? await Worker.create({
            connection,
            namespace: temporal.config.namespace,
            taskQueue: temporal.config.taskQueue,
            dataConverter: createDataConverter(temporal.config.payloadKeys),
            ...workflowSource(process.env.TEST_WORKFLOW_BUNDLE),
            activities: { ...createActivities({ db: database.db }), ...overrides },
          })
        : await createStripeWorker({
            connection,
            temporal: temporal.config,
            db: database.db,
            workflowBundlePath: process.env.TEST_WORKFLOW_BUNDLE,
            ...(withStripeApi && { stripeApi, client: temporal.client }),
          });
      running = { worker, done: worker.run() };
    },
    async stopWorker() {
      if (!running) return;
      running.worker.shutdown();
      await running.done;
      running = undefined;
    },
    async ledgerCount() {
      const [row] = await query<{ count: string }>(database.db, sql`select count(*) from stripe_events`);
      return Number(row?.count ?? 0);
    },
    async stop() {
      await stack.stopWorker();
      await ingress.close();
      await fake.close();
      await connection.close();
      await temporal.close();
      await database.drop();
    },
  };
  return stack;
}

/** Posts events through the signed webhook path and fails on anything but 200. */
export async function deliver(stack: OpsStack, events: readonly StripeEvent[]): Promise<void> {
  for (const event of events) {
    const response = await stack.ingress.post(event);
    if (response.status !== 200) throw new Error(`webhook answered ${response.status} for ${event.id}`);
  }
}

/** Every row of the mirror's tables, in a stable order: what a replay must leave as it was. */
export async function snapshot(stack: OpsStack): Promise<Record<string, unknown[]>> {
  const tables = await query<{ table_name: string }>(
    stack.database.db,
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const state: Record<string, unknown[]> = {};
  for (const { table_name: table } of tables) {
    if (table.startsWith('__drizzle')) continue;
    state[table] = await query(stack.database.db, sql`select * from ${sql.identifier(table)} order by 1`);
  }
  return state;
}

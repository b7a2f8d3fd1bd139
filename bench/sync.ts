/**
 * `npm run bench:sync`: the initial sync of an account holding BENCH_SYNC_CUSTOMERS customers
 * (10,000), as many subscriptions and twice as many invoices, served by the fake Stripe API
 * (test/helpers/fake-stripe.ts), into a fresh database, by a real worker process (worker/main.ts)
 * on a dev server of its own. Prints the time, the objects per second, the API calls and the
 * worker's peak RSS, and checks the mirror holds every object.
 *
 *   BENCH_SYNC_CUSTOMERS=10000 STRIPE_API_REQUESTS_PER_SECOND=100 npm run bench:sync
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { generatePayloadKey } from '../common/payload-keys';
import { connectClient } from '../common/temporal-connection';
import type { SyncStatus } from '../common/sync';
import { syncWorkflowId } from '../common/sync';
import { startDevServer } from '../dev/dev-server';
import { syncCommand } from '../ops/commands/sync';
import { createOps, loadOpsConfig } from '../ops/context';
import { createTestDatabase, query } from '../test/helpers/db';
import { startFakeStripe } from '../test/helpers/fake-stripe';
import { startWorkerProcess } from '../test/helpers/processes';
import { testTemporalConfig, uniqueTaskQueue } from '../test/helpers/test-env';
import { seedAccount } from '../test/helpers/sync-objects';

const LIST_PATHS = ['/v1/customers', '/v1/subscriptions', '/v1/invoices'];

function kilobytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
}

async function main(): Promise<void> {
  const customers = Number(process.env.BENCH_SYNC_CUSTOMERS ?? 10_000);
  const rate = process.env.STRIPE_API_REQUESTS_PER_SECOND ?? '100';
  const counts = { customers, subscriptions: customers, invoices: 2 * customers };
  const total = counts.customers + counts.subscriptions + counts.invoices;

  // Encrypted payloads, as in production: one key for the bench's client and worker.
  process.env.TEMPORAL_PAYLOAD_KEYS ??= generatePayloadKey('bench-sync');
  const server = await startDevServer();
  process.env.TEST_TEMPORAL_ADDRESS = server.address;
  const database = await createTestDatabase();
  const fake = await startFakeStripe();
  const config = testTemporalConfig({ taskQueue: uniqueTaskQueue('bench-sync') });
  const client = await connectClient(config);
  const env = {
    STRIPE_API_KEY: fake.apiKey,
    STRIPE_API_BASE: fake.baseUrl,
    STRIPE_API_REQUESTS_PER_SECOND: rate,
    LOG_LEVEL: 'warn',
    TEMPORAL_PAYLOAD_KEYS: process.env.TEMPORAL_PAYLOAD_KEYS,
  };
  const worker = await startWorkerProcess(
    'bench-sync-worker',
    { address: server.address, taskQueue: config.taskQueue, client },
    database.url,
    env,
  );
  try {
    seedAccount(fake, 'b', counts);
    const ops = createOps(
      loadOpsConfig({
        ...process.env,
        ...env,
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_TASK_QUEUE: config.taskQueue,
        DATABASE_URL: database.url,
      }),
      { client, db: database.db },
    );
    const rssAtStart = kilobytes(worker.pid, 'VmRSS');
    const before = fake.requests.length;
    const started = performance.now();
    await syncCommand(ops, { action: 'start', objects: ['customers', 'subscriptions', 'invoices'] });
    let peakRss = rssAtStart;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, kilobytes(worker.pid, 'VmRSS'))), 250);
    const status = (await client.workflow.getHandle(syncWorkflowId(undefined)).result()) as SyncStatus;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const requests = fake.requests.slice(before);
    const listCalls = requests.filter((request) => LIST_PATHS.includes(request.path)).length;

    const mirrored: Record<string, number> = {};
    for (const table of ['customers', 'subscriptions', 'invoices']) {
      const [row] = await query<{ count: string }>(database.db, sql.raw(`select count(*) from ${table}`));
      mirrored[table] = Number(row?.count);
    }
    const applied = status.state.progress.reduce((sum, kind) => sum + kind.applied, 0);
    console.log(
      [
        `initial sync of ${total} objects (${counts.customers} customers, ${counts.subscriptions} subscriptions, ${counts.invoices} invoices)`,
        `  API rate limit    ${rate} requests/s (STRIPE_API_REQUESTS_PER_SECOND)`,
        `  time              ${seconds.toFixed(1)} s  (${Math.round(total / seconds)} objects/s)`,
        `  API calls         ${requests.length} (${listCalls} list pages of up to 100)`,
        `  applied           ${applied}, rejected ${status.state.progress.reduce((s, k) => s + k.rejected, 0)}`,
        `  workflow runs     ${status.state.runs} (continue-as-new every 500 pages)`,
        `  worker RSS        ${Math.round(rssAtStart / 1024)} MB idle, ${Math.round(peakRss / 1024)} MB peak while syncing (VmHWM ${Math.round(kilobytes(worker.pid, 'VmHWM') / 1024)} MB)`,
        `  mirror            ${JSON.stringify(mirrored)}`,
        `  load average      ${os
          .loadavg()
          .map((load) => load.toFixed(2))
          .join(' ')} (2 cores; other jobs share them)`,
      ].join('\n'),
    );
    if (mirrored.customers !== counts.customers || mirrored.invoices !== counts.invoices) {
      throw new Error('the mirror does not hold every object');
    }
  } finally {
    await worker.stop();
    await client.connection.close();
    await fake.close();
    await database.drop();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

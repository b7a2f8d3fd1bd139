/**
 * `npm run bench:sync`: the initial sync of an account holding BENCH_SYNC_CUSTOMERS customers
 * (10,000), as many subscriptions and twice as many invoices, served by the fake Stripe API
 * (test/helpers/fake-stripe.ts), into a fresh database, by a real worker process (worker/main.ts)
 * on a dev server of its own. Prints the time, the objects per second, the API calls and the
 * worker's peak RSS, and checks the mirror holds every object.
 *
 * While it runs, BENCH_SYNC_LIVE_EVENTS (1,000) webhook events about the same customers and
 * subscriptions go through a real ingress: half carry a change the API also makes (newer than the
 * listing may be), half are late redeliveries of day-old states. At the end every customer's and
 * subscription's row must equal the API's object.
 *
 *   BENCH_SYNC_CUSTOMERS=10000 BENCH_SYNC_LIVE_EVENTS=1000 STRIPE_API_REQUESTS_PER_SECOND=100 npm run bench:sync
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { generatePayloadKey } from '../common/payload-keys';
import { connectClient } from '../common/temporal-connection';
import type { SyncStatus } from '../common/sync';
import type { StripeEvent } from '../common/stripe-event';
import { syncWorkflowId } from '../common/sync';
import type { Database } from '../db/client';
import { fixtureEvent } from '../dev/fixtures';
import { startDevServer } from '../dev/dev-server';
import { syncCommand } from '../ops/commands/sync';
import { createOps, loadOpsConfig } from '../ops/context';
import { createTestDatabase, query } from '../test/helpers/db';
import { startFakeStripe } from '../test/helpers/fake-stripe';
import type { FakeObject, FakeStripe } from '../test/helpers/fake-stripe';
import { startTestIngress } from '../test/helpers/ingress';
import type { TestIngress } from '../test/helpers/ingress';
import { waitFor } from '../test/helpers/stack';
import { startWorkerProcess } from '../test/helpers/processes';
import { testTemporalConfig, uniqueTaskQueue } from '../test/helpers/test-env';
import { customerObject, seedAccount, subscriptionObject } from '../test/helpers/sync-objects';

const LIST_PATHS = ['/v1/customers', '/v1/subscriptions', '/v1/invoices'];

function kilobytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
}

async function main(): Promise<void> {
  const customers = Number(process.env.BENCH_SYNC_CUSTOMERS ?? 10_000);
  const liveEvents = Number(process.env.BENCH_SYNC_LIVE_EVENTS ?? 1000);
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
  const ingress = await startTestIngress(client, config.taskQueue);
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
    await syncCommand(ops, { action: 'start', objects: ['customers', 'subscriptions', 'invoices'] });
    let peakRss = rssAtStart;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, kilobytes(worker.pid, 'VmRSS'))), 250);
    const delivered = await deliverLiveEvents(ingress, fake, counts.customers, liveEvents);
    const handle = client.workflow.getHandle(syncWorkflowId(undefined));
    const status = (await handle.result()) as SyncStatus;
    // The workflow's own start and close: the live events' delivery may outlast the sync.
    const { startTime, closeTime } = await handle.describe();
    const seconds = ((closeTime ?? new Date()).getTime() - startTime.getTime()) / 1000;
    clearInterval(sampler);
    await waitFor(
      async () => {
        const [row] = await query<{ count: string }>(
          database.db,
          sql`select count(*) from stripe_events where id like 'evt_%'`,
        );
        return Number(row?.count) >= delivered ? true : undefined;
      },
      'every live event applied',
      300_000,
    );
    const mismatches = await mirrorMismatches(database.db, fake);
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
        `  applied           ${applied}, skipped as older ${status.state.progress.reduce((s, k) => s + k.stale, 0)}, rejected ${status.state.progress.reduce((s, k) => s + k.rejected, 0)}`,
        `  workflow runs     ${status.state.runs} (continue-as-new every 500 pages)`,
        `  worker RSS        ${Math.round(rssAtStart / 1024)} MB idle, ${Math.round(peakRss / 1024)} MB peak while syncing (VmHWM ${Math.round(kilobytes(worker.pid, 'VmHWM') / 1024)} MB)`,
        `  mirror            ${JSON.stringify(mirrored)}`,
        `  live events       ${delivered} delivered during the sync; rows differing from the API: ${mismatches.length}${mismatches.length > 0 ? ` (${mismatches.slice(0, 5).join(', ')}...)` : ''}`,
        `  load average      ${os
          .loadavg()
          .map((load) => load.toFixed(2))
          .join(' ')} (2 cores; other jobs share them)`,
      ].join('\n'),
    );
    if (mirrored.customers !== counts.customers || mirrored.invoices !== counts.invoices) {
      throw new Error('the mirror does not hold every object');
    }
    if (mismatches.length > 0) throw new Error('the mirror differs from the API after the race');
  } finally {
    await ingress.close();
    await worker.stop();
    await client.connection.close();
    await fake.close();
    await database.drop();
    await server.stop();
  }
}

/**
 * `count` webhook events while the sync runs, spread over the customers and their subscriptions:
 * even ones change the object in the API and carry the change (created now), odd ones are late
 * redeliveries of a day-old state that must lose to the listing. Returns how many were delivered.
 */
async function deliverLiveEvents(
  ingress: TestIngress,
  fake: FakeStripe,
  customers: number,
  count: number,
  gapMs = Number(process.env.BENCH_SYNC_LIVE_GAP_MS ?? 40),
): Promise<number> {
  const now = () => Math.floor(Date.now() / 1000);
  for (let n = 0; n < count; n++) {
    const i = Math.floor((n * customers) / count);
    const customerId = `cus_b${i}`;
    const subscriptionId = `sub_b${i}`;
    let event: StripeEvent;
    if (n % 2 === 0) {
      const object =
        n % 4 === 0
          ? customerObject(customerId, 1)
          : subscriptionObject(subscriptionId, customerId, 'past_due');
      fake.setObject(object);
      event = liveEvent(
        object.object === 'customer' ? 'customer.updated' : 'customer.subscription.updated',
        object,
        now(),
      );
    } else {
      event =
        n % 4 === 1
          ? liveEvent('customer.updated', customerObject(customerId, -1), now() - 86400)
          : liveEvent(
              'customer.subscription.updated',
              subscriptionObject(subscriptionId, customerId, 'incomplete'),
              now() - 86400,
            );
    }
    const response = await ingress.post(event);
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
    // Spread over the sync (BENCH_SYNC_LIVE_GAP_MS apart), not all during its first kind.
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  return count;
}

function liveEvent(type: string, object: FakeObject, created: number): StripeEvent {
  return { ...fixtureEvent(type, { created }), data: { object: { ...object } } };
}

/** Customers and subscriptions whose row differs from the API's object (email, status). */
async function mirrorMismatches(db: Database, fake: FakeStripe): Promise<string[]> {
  const emails = new Map(
    (await query<{ id: string; email: string }>(db, sql`select id, email from customers`)).map((row) => [
      row.id,
      row.email,
    ]),
  );
  const statuses = new Map(
    (await query<{ id: string; status: string }>(db, sql`select id, status from subscriptions`)).map(
      (row) => [row.id, row.status],
    ),
  );
  return [
    ...fake.objectsOf('customer').filter((object) => emails.get(object.id) !== object.email),
    ...fake.objectsOf('subscription').filter((object) => statuses.get(object.id) !== object.status),
  ].map((object) => object.id);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/**
 * The worker process running an initial sync is SIGKILLed mid-sync; a new worker process carries
 * on from the cursors in the workflow's state: every object ends in the mirror, and no page but
 * the one in flight is listed twice.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { SYNC_PROGRESS_QUERY, syncWorkflowId } from '../../common/sync';
import type { SyncStatus } from '../../common/sync';
import { syncCommand } from '../../ops/commands/sync';
import { createOps, loadOpsConfig } from '../../ops/context';
import { createTestDatabase, query } from '../helpers/db';
import { startFakeStripe } from '../helpers/fake-stripe';
import { startWorkerProcess } from '../helpers/processes';
import type { ServiceProcess } from '../helpers/processes';
import { waitFor } from '../helpers/stack';
import { seedAccount } from '../helpers/sync-objects';
import { connectTestTemporal } from '../helpers/temporal';

const CUSTOMERS = 300;
const PAGE_SIZE = 10;

describe('initial sync: worker killed mid-sync', () => {
  const stops: (() => Promise<void>)[] = [];
  after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  });

  it('SIGKILLs the worker; a new worker resumes from the cursors and completes the sync', async () => {
    const database = await createTestDatabase();
    stops.push(() => database.drop());
    const temporal = await connectTestTemporal('sync-kill');
    stops.push(() => temporal.close());
    const fake = await startFakeStripe();
    stops.push(() => fake.close());
    seedAccount(fake, 'k', { customers: CUSTOMERS, subscriptions: 0, invoices: 0 });

    const { address, taskQueue } = temporal.config;
    const env = {
      STRIPE_API_KEY: fake.apiKey,
      STRIPE_API_BASE: fake.baseUrl,
      STRIPE_API_REQUESTS_PER_SECOND: '20',
    };
    const target = { address, taskQueue, client: temporal.client };
    let worker: ServiceProcess = await startWorkerProcess('sync-kill-1', target, database.url, env);
    stops.push(() => worker.stop());

    const ops = createOps(
      loadOpsConfig({ ...process.env, ...env, TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue }),
      { client: temporal.client, db: database.db },
    );
    await syncCommand(ops, { action: 'start', objects: ['customers'], pageSize: PAGE_SIZE });
    const handle = temporal.client.workflow.getHandle(syncWorkflowId(undefined));
    const atKill = await waitFor(
      async () => {
        const status = await handle.query<SyncStatus>(SYNC_PROGRESS_QUERY);
        return (status.state.progress[0]?.pages ?? 0) >= 5 ? status : undefined;
      },
      'five pages synced',
      60_000,
    );
    await worker.kill();
    worker = await startWorkerProcess('sync-kill-2', target, database.url, env);

    const done = (await handle.result()) as SyncStatus;
    const customers = done.state.progress[0];
    assert.equal(customers?.listed, CUSTOMERS);
    assert.ok((atKill.state.progress[0]?.pages ?? 0) < CUSTOMERS / PAGE_SIZE, 'killed before the end');
    const [row] = await query<{ count: string }>(database.db, sql`select count(*) from customers`);
    assert.equal(Number(row?.count), CUSTOMERS, 'every customer mirrored');

    const lists = fake.requests.filter(
      (request) => request.path === '/v1/customers' && request.status === 200,
    );
    assert.equal(
      lists.filter((request) => !request.query.starting_after).length,
      1,
      'not restarted from the start',
    );
    assert.ok(
      lists.length <= CUSTOMERS / PAGE_SIZE + 1,
      `${lists.length} list calls for ${CUSTOMERS / PAGE_SIZE} pages`,
    );
  });
});

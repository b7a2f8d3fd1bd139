import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { THIN_EVENT_NEEDS_API_KEY } from '../../activities';
import { createStripeApi } from '../../common/stripe-api';
import { StripeEventType, StripeObjectId } from '../../common/search-attributes';
import { fixtureEvent } from '../../dev/fixtures';
import { thinEvent } from '../../dev/thin-fixtures';
import { pendingActivityOf } from '../../ops/pending';
import type { ProcessResult } from '../../workflows';
import { createTestDatabase, query } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { startFakeStripe } from '../helpers/fake-stripe';
import type { FakeStripe } from '../helpers/fake-stripe';
import { startTestIngress, TEST_SECRET } from '../helpers/ingress';
import type { TestIngress } from '../helpers/ingress';
import { waitFor } from '../helpers/stack';
import { connectTestTemporal } from '../helpers/temporal';
import type { TestTemporal } from '../helpers/temporal';

/** A workflow, ingress and worker on a task queue of its own; the worker with or without the API. */
interface Lane {
  temporal: TestTemporal;
  ingress: TestIngress;
  stopWorker: () => Promise<void>;
  result: (workflowId: string) => Promise<ProcessResult>;
}

describe('thin events, HTTP → Temporal → Postgres, signed for real, against a fake Stripe API', () => {
  let database: TestDatabase;
  let stripe: FakeStripe;
  const lanes: Lane[] = [];
  const stripeApi = () =>
    createStripeApi({ apiKey: stripe.apiKey, baseUrl: stripe.baseUrl, requestsPerSecond: 100 });

  async function lane(name: string, withKey: boolean): Promise<Lane> {
    const temporal = await connectTestTemporal(name);
    const { worker, running } = await temporal.startWorker(
      database.db,
      withKey ? { stripeApi: stripeApi() } : {},
    );
    const ingress = await startTestIngress(temporal.client, temporal.config.taskQueue);
    const opened: Lane = {
      temporal,
      ingress,
      async stopWorker() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
      result: (id) => temporal.client.workflow.getHandle(id).result() as Promise<ProcessResult>,
    };
    lanes.push(opened);
    return opened;
  }

  before(async () => {
    database = await createTestDatabase();
    stripe = await startFakeStripe();
  });
  after(async () => {
    for (const { ingress, temporal, stopWorker } of lanes) {
      await ingress.close();
      await stopWorker();
      await temporal.close();
    }
    await stripe.close();
    await database.drop();
  });

  const customerRow = async (id: string) =>
    (
      await query<{ name: string; source_event_id: string }>(
        database.db,
        sql`select name, source_event_id from customers where id = ${id}`,
      )
    )[0];
  const ledger = (id: string) =>
    query<{ id: string; refetched: boolean }>(
      database.db,
      sql`select id, refetched from stripe_events where id = ${id}`,
    );
  const retrievals = (id: string) =>
    stripe.requests.filter((request) => request.path === `/v1/customers/${id}`);

  /** The customer as the fake API holds it, and the snapshot event Stripe would send about it. */
  function customer(id: string) {
    const snapshot = fixtureEvent('customer.updated', { object: { id, name: 'As sent in the snapshot' } });
    stripe.setObject({ ...snapshot.data.object, id, object: 'customer', name: 'As the API has it' });
    return { snapshot, thin: thinEvent('customer.updated', { relatedId: id, snapshotEvent: snapshot.id }) };
  }

  it('applies a thin event: one workflow under its snapshot event’s id, the object retrieved', async () => {
    const { ingress, temporal, result } = await lane('thin', true);
    const { snapshot, thin } = customer('cus_thin_applied');
    const response = await ingress.post(thin);
    assert.deepEqual([response.status, response.body], [200, { received: true }]);
    const outcome = await result(snapshot.id);
    assert.deepEqual(
      [outcome.outcome, outcome.handler, outcome.refetched],
      ['applied', 'applyCustomerEvent', true],
    );
    assert.equal((await customerRow('cus_thin_applied'))?.name, 'As the API has it');
    const attributes = (await temporal.client.workflow.getHandle(snapshot.id).describe())
      .typedSearchAttributes;
    assert.deepEqual(
      [attributes.get(StripeEventType), attributes.get(StripeObjectId)],
      ['customer.updated', 'cus_thin_applied'],
    );
  });

  it('applies once when the thin event comes first and its snapshot event second', async () => {
    const { ingress, result } = lanes[0]!;
    const { snapshot, thin } = customer('cus_thin_first');
    assert.equal((await ingress.post(thin)).status, 200);
    await result(snapshot.id);
    assert.equal((await ingress.post(snapshot)).status, 200, 'the snapshot is a duplicate: 200');
    assert.deepEqual(await ledger(snapshot.id), [{ id: snapshot.id, refetched: true }]);
    assert.equal((await customerRow('cus_thin_first'))?.name, 'As the API has it');
  });

  it('applies once when the snapshot event comes first and the thin event second, without calling the API', async () => {
    const { ingress, result } = lanes[0]!;
    const { snapshot, thin } = customer('cus_snapshot_first');
    assert.equal((await ingress.post(snapshot)).status, 200);
    await result(snapshot.id);
    assert.equal((await ingress.post(thin)).status, 200, 'the thin event is a duplicate: 200');
    assert.deepEqual(await ledger(snapshot.id), [{ id: snapshot.id, refetched: false }]);
    assert.equal((await customerRow('cus_snapshot_first'))?.name, 'As sent in the snapshot');
    assert.deepEqual(retrievals('cus_snapshot_first'), [], 'nothing retrieved');
  });

  it('`npm run send` sends a new kind’s event, and with --thin its thin event', async () => {
    const { ingress, result } = lanes[0]!;
    const send = async (...args: string[]) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          'dev/send.ts',
          ...args,
          '--url',
          `${ingress.url}/webhooks/stripe`,
          '--secret',
          TEST_SECRET,
        ],
        { cwd: path.join(__dirname, '..', '..') },
      );
      assert.match(stdout, /200 OK \{"received":true\}/);
      return /web ui .*\/workflows\/(evt_[0-9a-f]+)/.exec(stdout)?.[1] ?? assert.fail(stdout);
    };
    assert.equal((await result(await send('price.created'))).handler, 'applyPriceEvent');
    const product = fixtureEvent('product.updated').data.object;
    stripe.setObject({ ...product, id: String(product.id), object: 'product' });
    const thin = await result(await send('product.updated', '--thin'));
    assert.deepEqual([thin.handler, thin.refetched], ['applyProductEvent', true]);
  });

  it('completes a thin event about a v2 resource as ignored', async () => {
    const { ingress, result } = lanes[0]!;
    const thin = thinEvent('v2.core.account.updated', { relatedId: 'acct_v2', snapshotEvent: null });
    assert.equal((await ingress.post(thin)).status, 200);
    assert.equal((await result(thin.id)).outcome, 'ignored');
  });

  it('holds a thin event while the worker has no key, and a worker started with the key drains it', async () => {
    const held = await lane('thin-held', false);
    const { snapshot, thin } = customer('cus_thin_held');
    assert.equal((await held.ingress.post(thin)).status, 200, 'acknowledged: nothing is lost');
    const handle = held.temporal.client.workflow.getHandle(snapshot.id);
    const pending = await waitFor(async () => {
      const activity = await pendingActivityOf(held.temporal.client, await handle.describe());
      return activity?.lastFailureMessage ? activity : undefined;
    }, 'the held thin event as a failing pending activity');
    assert.equal(pending.lastFailureType, THIN_EVENT_NEEDS_API_KEY);
    assert.equal(pending.state, 'needs-api-key', 'how `ops stuck` shows it');
    assert.match(pending.lastFailureMessage ?? '', /thin events need STRIPE_API_KEY/);
    assert.equal((await handle.describe()).status.name, 'RUNNING');
    assert.equal(await customerRow('cus_thin_held'), undefined);

    // "Setting the key" is restarting the worker with it.
    await held.stopWorker();
    const restarted = await held.temporal.startWorker(database.db, { stripeApi: stripeApi() });
    try {
      const outcome = await held.result(snapshot.id);
      assert.deepEqual([outcome.outcome, outcome.refetched], ['applied', true]);
      assert.equal((await customerRow('cus_thin_held'))?.name, 'As the API has it');
    } finally {
      restarted.worker.shutdown();
      await restarted.running;
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import type { StripeEvent } from '../../common/stripe-event';
import { SYNC_PROGRESS_QUERY, syncWorkflowId } from '../../common/sync';
import type { SyncStatus } from '../../common/sync';
import { fixtureEvent } from '../../dev/fixtures';
import { runCommand } from '../../ops/cli';
import { syncCommand } from '../../ops/commands/sync';
import type { SyncCommandResult } from '../../ops/commands/sync';
import { query } from '../helpers/db';
import type { FakeObject } from '../helpers/fake-stripe';
import { deliver, startOpsStack } from '../helpers/ops-stack';
import type { OpsStack } from '../helpers/ops-stack';
import { waitFor } from '../helpers/stack';
import { customerObject, seedAccount, subscriptionObject } from '../helpers/sync-objects';

const OBJECTS = ['customers', 'subscriptions', 'invoices'];

describe('ops sync: the initial sync of an existing account', () => {
  let stack: OpsStack;

  before(async () => {
    stack = await startOpsStack('ops-sync');
    await stack.startWorker({ withStripeApi: true });
  });
  after(async () => stack.stop());

  const progress = (account?: string) =>
    stack.temporal.client.workflow.getHandle(syncWorkflowId(account)).query<SyncStatus>(SYNC_PROGRESS_QUERY);

  async function finished(account?: string): Promise<SyncStatus> {
    return (await stack.temporal.client.workflow.getHandle(syncWorkflowId(account)).result()) as SyncStatus;
  }

  async function rows<T>(table: string, columns: string): Promise<Map<string, T>> {
    const found = await query<T & { id: string }>(
      stack.database.db,
      sql.raw(`select id, ${columns} from ${table}`),
    );
    return new Map(found.map((row) => [row.id, row]));
  }

  const listCalls = (path: string) =>
    stack.fake.requests.filter((request) => request.path === path && request.status === 200);

  it('lists every object once, survives a worker restart mid-way, and continues as new', async () => {
    seedAccount(stack.fake, 'a', { customers: 150, subscriptions: 150, invoices: 300 });
    // Two 429s on the way: waited out, not failures.
    stack.fake.rateLimitNext(2, 1);
    const start = await syncCommand(stack.ops, {
      action: 'start',
      objects: OBJECTS,
      pageSize: 10,
      pagesPerRun: 7,
    });
    assert.equal(start.started, true);

    const midway = await waitFor(async () => {
      const status = await progress();
      return status.state.progress[0]?.done && !status.done ? status : undefined;
    }, 'the customers listed, the rest not yet');
    await stack.stopWorker();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await stack.startWorker({ withStripeApi: true });
    const status = await finished();

    assert.ok(midway.state.progress[1]?.done !== true || midway.state.progress[2]?.done !== true);
    assert.deepEqual(
      status.state.progress.map(({ kind, listed, applied, rejected, done }) => ({
        kind,
        listed,
        applied,
        rejected,
        done,
      })),
      [
        { kind: 'customer', listed: 150, applied: 150, rejected: 0, done: true },
        { kind: 'subscription', listed: 150, applied: 150, rejected: 0, done: true },
        { kind: 'invoice', listed: 300, applied: 300, rejected: 0, done: true },
      ],
    );
    assert.ok(status.state.runs >= 60 / 7, `continued as new (${status.state.runs} runs)`);
    // Resumed from its cursors: each page was listed once, the first page of a kind never twice.
    for (const path of ['/v1/customers', '/v1/subscriptions', '/v1/invoices']) {
      const calls = listCalls(path);
      const pages = path === '/v1/invoices' ? 30 : 15;
      assert.equal(
        calls.filter((call) => !call.query.starting_after).length,
        1,
        `${path}: listed from the start once`,
      );
      assert.ok(calls.length <= pages + 1, `${path}: ${calls.length} list calls for ${pages} pages`);
    }
    assert.equal(
      listCalls('/v1/subscriptions')[0]?.query.status,
      'all',
      'canceled subscriptions are listed too',
    );

    const customers = await rows<{ email: string }>('customers', 'email');
    const subscriptions = await rows<{ status: string }>('subscriptions', 'status');
    const invoices = await rows<{ status: string }>('invoices', 'status');
    for (const object of stack.fake.objectsOf('customer')) {
      assert.equal(customers.get(object.id)?.email, object.email, object.id);
    }
    for (const object of stack.fake.objectsOf('subscription')) {
      assert.equal(subscriptions.get(object.id)?.status, object.status, object.id);
    }
    for (const object of stack.fake.objectsOf('invoice')) {
      assert.equal(invoices.get(object.id)?.status, object.status, object.id);
    }
    // Derived rows as for events: an entitlement for every active subscription, none for canceled.
    const [entitled] = await query<{ count: string }>(
      stack.database.db,
      sql`select count(distinct subscription_id) from entitlements`,
    );
    assert.equal(Number(entitled?.count), 135);
    const [outbox] = await query<{ count: string }>(
      stack.database.db,
      sql`select count(*) from notifications`,
    );
    assert.equal(Number(outbox?.count), 0, 'a sync is history, not news: nothing in the outbox');

    const shown = await runCommand(stack.ops, ['sync', '--status']);
    assert.match(shown.text, /done: 600 listed, 600 applied, 0 skipped as older, 0 rejected/);
    assert.equal(onlySync(shown).workflowStatus, 'COMPLETED');
  });

  it('races live events and ends at the newest state of every object; a second sync is refused', async () => {
    const n = 60;
    seedAccount(stack.fake, 'r', { customers: n, subscriptions: n, invoices: 0 });
    await syncCommand(stack.ops, { action: 'start', objects: ['customers', 'subscriptions'], pageSize: 5 });
    const again = await runCommand(stack.ops, ['sync', '--objects', 'customers']);
    assert.equal(again.exitCode, 1);
    assert.equal(onlySync(again).started, false);
    assert.match(again.text, /already running/);

    const now = () => Math.floor(Date.now() / 1000);
    const live: StripeEvent[] = [];
    for (let i = 0; i < n; i++) {
      // Even objects change while the sync runs (the API and a new event agree); odd ones get a
      // late redelivery of an old event, older than anything the listing can return.
      if (i % 2 === 0) {
        const customer = customerObject(`cus_r${i}`, 1);
        const subscription = subscriptionObject(
          `sub_r${i}`,
          `cus_r${i}`,
          i % 4 === 0 ? 'past_due' : 'canceled',
        );
        stack.fake.setObject(customer);
        stack.fake.setObject(subscription);
        live.push(event('customer.updated', customer, now()));
        live.push(event('customer.subscription.updated', subscription, now()));
      } else {
        live.push(event('customer.updated', customerObject(`cus_r${i}`, -1), now() - 86400));
        live.push(
          event(
            'customer.subscription.updated',
            subscriptionObject(`sub_r${i}`, `cus_r${i}`, 'incomplete'),
            now() - 86400,
          ),
        );
      }
      await deliver(stack, live.slice(-2));
    }
    const status = await finished();
    await waitFor(
      async () => {
        const [row] = await query<{ count: string }>(
          stack.database.db,
          sql`select count(*) from stripe_events where id like 'evt_%'`,
        );
        return Number(row?.count) === live.length ? true : undefined;
      },
      'every live event applied',
      60_000,
    );
    assert.equal(status.state.progress[0]?.listed, 150 + n, 'customers of both tests');

    const customers = await rows<{ email: string }>('customers', 'email');
    const subscriptions = await rows<{ status: string }>('subscriptions', 'status');
    const mismatches: string[] = [];
    for (const object of stack.fake.objectsOf('customer')) {
      if (customers.get(object.id)?.email !== object.email) mismatches.push(object.id);
    }
    for (const object of stack.fake.objectsOf('subscription')) {
      if (subscriptions.get(object.id)?.status !== object.status) mismatches.push(object.id);
    }
    assert.deepEqual(mismatches, [], 'the mirror equals the API');
  });

  it('pauses, resumes and cancels; a dry run writes nothing; a rejected object is counted, not fatal', async () => {
    const account = 'acct_syncpause';
    seedAccount(stack.fake, 'p', { customers: 40, subscriptions: 0, invoices: 0 }, account);
    // A subscription without a customer: the handler refuses it.
    stack.fake.setObject(
      { ...subscriptionObject('sub_pbad', 'cus_p0', 'active'), customer: null },
      { account },
    );
    stack.fake.setObject(subscriptionObject('sub_pgood', 'cus_p0', 'active'), { account });

    const dry = await syncCommand(stack.ops, {
      action: 'start',
      account,
      objects: ['customers'],
      dryRun: true,
    });
    assert.equal(dry.started, true);
    const dryStatus = await finished(account);
    assert.equal(dryStatus.state.progress[0]?.listed, 40);
    assert.equal(dryStatus.state.progress[0]?.applied, 0);
    const customersBefore = (await rows('customers', 'email')).size;
    assert.equal(customersBefore, 150 + 60, 'nothing written by the dry run');
    assert.ok(
      stack.fake.requests.some(
        (request) => request.path === '/v1/customers' && request.query.limit === '100',
      ),
    );

    await syncCommand(stack.ops, {
      action: 'start',
      account,
      objects: ['customers', 'subscriptions'],
      pageSize: 1,
    });
    await waitFor(
      async () => ((await progress(account)).state.progress[0]?.pages ?? 0) >= 2 || undefined,
      'two pages',
    );
    const paused = await runCommand(stack.ops, ['sync', '--pause', '--account', account]);
    assert.equal(onlySync(paused).status?.paused, true);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const held = (await progress(account)).state.progress[0]?.pages ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal((await progress(account)).state.progress[0]?.pages, held, 'no page while paused');
    assert.match(
      (await runCommand(stack.ops, ['sync', '--status', '--account', account])).text,
      /paused at customer/,
    );

    await runCommand(stack.ops, ['sync', '--resume', '--account', account]);
    const resumed = await finished(account);
    assert.equal(resumed.state.progress[0]?.listed, 40);
    assert.equal(resumed.state.progress[1]?.listed, 2);
    assert.equal(resumed.state.progress[1]?.applied, 1);
    assert.equal(resumed.state.progress[1]?.rejected, 1);
    assert.equal(resumed.state.rejects[0]?.id, 'sub_pbad');
    assert.match(resumed.state.rejects[0]?.reason ?? '', /customer is missing/);
    const [onAccount] = await query<{ count: string }>(
      stack.database.db,
      sql`select count(*) from customers where account = ${account}`,
    );
    assert.equal(Number(onAccount?.count), 40, "the connected account's rows carry its id");

    await syncCommand(stack.ops, { action: 'start', account, objects: ['customers'], pageSize: 1 });
    await waitFor(
      async () => ((await progress(account)).state.progress[0]?.pages ?? 0) >= 1 || undefined,
      'a page',
    );
    const cancelled = await runCommand(stack.ops, ['sync', '--cancel', '--account', account]);
    assert.equal(onlySync(cancelled).action, 'cancel');
    await waitFor(
      async () =>
        (await stack.temporal.client.workflow.getHandle(syncWorkflowId(account)).describe()).status.name ===
          'CANCELLED' || undefined,
      'the sync cancelled',
    );
  });

  it('lists per-customer kinds customer by customer, every call under the token bucket', async () => {
    const account = 'acct_syncnested';
    seedAccount(stack.fake, 'n', { customers: 25, subscriptions: 0, invoices: 0 }, account);
    const taxId = {
      ...fixtureEvent('customer.tax_id.created').data.object,
      id: 'txi_n3',
      customer: 'cus_n3',
    };
    const card = { ...fixtureEvent('payment_method.attached').data.object, id: 'pm_n7', customer: 'cus_n7' };
    stack.fake.setObject(taxId, { account });
    stack.fake.setObject(card, { account });
    const before = stack.fake.requests.length;
    await syncCommand(stack.ops, { action: 'start', account, objects: ['tax_ids', 'payment_methods'] });
    const status = await finished(account);
    assert.deepEqual(
      status.state.progress.map(({ kind, listed, applied, pages }) => ({ kind, listed, applied, pages })),
      [
        // 25 customers, 10 a page.
        { kind: 'tax_id', listed: 1, applied: 1, pages: 3 },
        { kind: 'payment_method', listed: 1, applied: 1, pages: 3 },
      ],
    );
    const calls = stack.fake.requests.slice(before).filter((request) => request.account === account);
    assert.equal(calls.filter((request) => /\/tax_ids$/.test(request.path)).length, 25);
    assert.equal(calls.filter((request) => /\/payment_methods$/.test(request.path)).length, 25);
    const [row] = await query<{ account: string }>(
      stack.database.db,
      sql`select account from payment_methods where id = 'pm_n7'`,
    );
    assert.equal(row?.account, account);
  });
});

/** The one sync a command line without STRIPE_CONNECT_ACCOUNTS covers. */
function onlySync(output: { value: unknown }): SyncCommandResult {
  const { syncs } = output.value as { syncs: SyncCommandResult[] };
  assert.equal(syncs.length, 1);
  return syncs[0] as SyncCommandResult;
}

function event(type: string, object: FakeObject, created: number): StripeEvent {
  return { ...fixtureEvent(type, { created }), data: { object: { ...object } } };
}

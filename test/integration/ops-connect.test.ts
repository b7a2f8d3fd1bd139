import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { reconcileOnce } from '../../activities/reconcile';
import type { BackfillResult } from '../../ops/commands/backfill';
import type { SyncCommandResult } from '../../ops/commands/sync';
import { runCommand } from '../../ops/cli';
import { syncWorkflowId } from '../../common/sync';
import type { StripeEvent } from '../../common/stripe-event';
import { fixtureEvent } from '../../dev/fixtures';
import { query } from '../helpers/db';
import { deliver, startOpsStack } from '../helpers/ops-stack';
import type { OpsStack } from '../helpers/ops-stack';
import { waitFor } from '../helpers/stack';
import { customerObject } from '../helpers/sync-objects';

const ACCOUNTS = ['acct_conA', 'acct_conB'];

/** customer.updated for `cus_same`, as a connected account's Events API lists it: no `account` field. */
function listedEvent(name: string, created: number): StripeEvent {
  return fixtureEvent('customer.updated', { created, object: { id: 'cus_same', name, email: null } });
}

describe('Connect accounts: STRIPE_CONNECT_ACCOUNTS for backfill, reconcile and sync', () => {
  let stack: OpsStack;
  const now = Math.floor(Date.now() / 1000);

  before(async () => {
    // `all`: the accounts come from stripe.accounts.list.
    stack = await startOpsStack('ops-connect', { connectAccounts: 'all' });
    for (const id of ACCOUNTS) stack.fake.setObject({ id, object: 'account', created: now });
    await stack.startWorker({ withStripeApi: true });
  });
  after(async () => stack.stop());

  const names = async () =>
    new Map(
      (
        await query<{ account: string | null; name: string }>(
          stack.database.db,
          sql`select account, name from customers where id = 'cus_same'`,
        )
      ).map((row) => [row.account, row.name]),
    );

  it('backfills each account’s missed events onto its own rows, with its Stripe-Account header', async () => {
    stack.fake.addEvent(listedEvent('platform', now - 60), { delivered: false });
    stack.fake.addEvent(listedEvent('on A', now - 60), { delivered: false, account: 'acct_conA' });
    stack.fake.addEvent(listedEvent('on B', now - 60), { delivered: false, account: 'acct_conB' });
    const before = stack.fake.requests.length;
    const result = await stack.cli<BackfillResult>('backfill', '--since', '1d');
    // The platform first, then the accounts in the order Stripe lists them.
    assert.equal(result.accounts[0], null);
    assert.deepEqual(result.accounts.slice(1).sort(), ACCOUNTS);
    assert.equal(result.started, 3);
    const eventLists = stack.fake.requests.slice(before).filter((request) => request.path === '/v1/events');
    assert.deepEqual(eventLists.map((request) => request.account).sort(), ['', ...ACCOUNTS]);
    await waitFor(async () => ((await names()).size === 3 ? true : undefined), 'three rows', 30_000);
    assert.deepEqual(
      await names(),
      new Map([
        [null, 'platform'],
        ['acct_conA', 'on A'],
        ['acct_conB', 'on B'],
      ]),
    );
  });

  it('reconciles every account from its own cursor', async () => {
    const newer = listedEvent('on B, newer', now - 10);
    stack.fake.addEvent(newer, { account: 'acct_conB' });
    const result = await reconcileOnce(
      {
        db: stack.database.db,
        client: stack.temporal.client,
        stripeApi: stack.stripeApi,
        taskQueue: stack.temporal.config.taskQueue,
      },
      { cursorName: 'connect-test', overlapSeconds: 300, firstRunLookbackSeconds: 3600 },
    );
    assert.equal(result.started, 1);
    assert.equal(result.alreadyRecorded, 3);
    const cursors = await query<{ name: string }>(
      stack.database.db,
      sql`select name from reconcile_cursors where name like 'connect-test%' order by name`,
    );
    assert.deepEqual(
      cursors.map((row) => row.name),
      ['connect-test', 'connect-test:acct_conA', 'connect-test:acct_conB'],
    );
    await waitFor(
      async () => ((await names()).get('acct_conB') === 'on B, newer' ? true : undefined),
      'acct_conB’s row updated',
      30_000,
    );
    assert.equal((await names()).get('acct_conA'), 'on A', 'the other account’s row is untouched');
  });

  it('syncs the platform and each account in a workflow of its own', async () => {
    stack.fake.setObject({ ...customerObject('cus_sync_same'), name: 'platform' });
    stack.fake.setObject({ ...customerObject('cus_sync_same'), name: 'A' }, { account: 'acct_conA' });
    const output = await runCommand(stack.ops, ['sync', '--objects', 'customers']);
    const { syncs } = output.value as { syncs: SyncCommandResult[] };
    assert.deepEqual(
      syncs.map((sync) => sync.workflowId).sort(),
      [null, ...ACCOUNTS].map((account) => syncWorkflowId(account)).sort(),
    );
    for (const sync of syncs) await stack.temporal.client.workflow.getHandle(sync.workflowId).result();
    const rows = await query<{ account: string | null; name: string }>(
      stack.database.db,
      sql`select account, name from customers where id = 'cus_sync_same' order by account`,
    );
    assert.deepEqual(rows, [
      { account: 'acct_conA', name: 'A' },
      { account: null, name: 'platform' },
    ]);
    const lists = stack.fake.requests.filter((request) => request.path === '/v1/customers');
    assert.deepEqual(new Set(lists.map((request) => request.account)), new Set(['', ...ACCOUNTS]));
  });

  it('a Connect webhook event with `account` set lands on that account’s row', async () => {
    const event = { ...listedEvent('on A, by webhook', now), account: 'acct_conA' };
    await deliver(stack, [event]);
    await waitFor(
      async () => ((await names()).get('acct_conA') === 'on A, by webhook' ? true : undefined),
      'acct_conA’s row updated by the webhook',
      30_000,
    );
    assert.equal((await names()).get(null), 'platform');
  });
});

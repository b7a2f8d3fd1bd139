import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asc, eq } from 'drizzle-orm';
import { createActivities } from '../../activities';
import type { StripeEvent } from '../../common/stripe-event';
import { customers, entitlements, stripeEvents, subscriptionItems, subscriptions } from '../../db/schema';
import { fixtureEvent } from '../../dev/fixtures';
import { handlersOnPostgres } from '../helpers/events';

/** The event of `type` about object `id`, from `account` (a Connect event) or the platform (null). */
function connectEvent(
  type: string,
  account: string | null,
  created: number,
  object: Record<string, unknown>,
): StripeEvent {
  return { ...fixtureEvent(type, { created, object }), account };
}

describe('Connect: every mirror row belongs to an account', () => {
  const pg = handlersOnPostgres((db) => createActivities({ db }));

  it('keeps the same customer id under the platform and two accounts as three independent rows', async () => {
    const customer = (account: string | null, created: number, name: string) =>
      connectEvent('customer.updated', account, created, { id: 'cus_shared', name });
    await pg.activities.applyCustomerEvent(customer(null, 100, 'platform'));
    await pg.activities.applyCustomerEvent(customer('acct_A', 200, 'A'));
    await pg.activities.applyCustomerEvent(customer('acct_B', 50, 'B'));
    // Older than acct_A's row, newer than acct_B's: each account's guard is its own.
    const late = await pg.activities.applyCustomerEvent(customer('acct_A', 150, 'A late'));
    const applied = await pg.activities.applyCustomerEvent(customer('acct_B', 150, 'B newer'));
    assert.equal(late.outcome, 'stale');
    assert.equal(applied.outcome, 'applied');

    const rows = await pg.db
      .select({ account: customers.account, name: customers.name })
      .from(customers)
      .where(eq(customers.id, 'cus_shared'))
      .orderBy(asc(customers.account));
    assert.deepEqual(rows, [
      { account: 'acct_A', name: 'A' },
      { account: 'acct_B', name: 'B newer' },
      { account: null, name: 'platform' },
    ]);
  });

  it('lands a Connect subscription, its items and entitlements on its account, and the ledger says which', async () => {
    const subscription = (account: string | null, status: string, created: number) =>
      connectEvent('customer.subscription.updated', account, created, {
        id: 'sub_shared',
        customer: 'cus_shared',
        status,
      });
    const platform = subscription(null, 'active', 100);
    const connected = subscription('acct_A', 'canceled', 100);
    await pg.activities.applySubscriptionEvent(platform);
    await pg.activities.applySubscriptionEvent(connected);

    const stored = await pg.db
      .select({ account: subscriptions.account, status: subscriptions.status })
      .from(subscriptions)
      .where(eq(subscriptions.id, 'sub_shared'))
      .orderBy(asc(subscriptions.account));
    assert.deepEqual(stored, [
      { account: 'acct_A', status: 'canceled' },
      { account: null, status: 'active' },
    ]);
    // The same item ids under both accounts: two sets of rows.
    const items = await pg.db
      .select({ account: subscriptionItems.account })
      .from(subscriptionItems)
      .where(eq(subscriptionItems.subscriptionId, 'sub_shared'));
    const perAccount = (account: string | null) => items.filter((item) => item.account === account).length;
    assert.ok(perAccount(null) > 0);
    assert.equal(perAccount('acct_A'), perAccount(null));
    // Access is granted on the platform, where the subscription is active; not on acct_A.
    const granted = await pg.db
      .select({ account: entitlements.account })
      .from(entitlements)
      .where(eq(entitlements.subscriptionId, 'sub_shared'));
    assert.ok(granted.length > 0);
    assert.ok(granted.every((row) => row.account === null));

    const [ledger] = await pg.db
      .select({ account: stripeEvents.account })
      .from(stripeEvents)
      .where(eq(stripeEvents.id, connected.id));
    assert.equal(ledger?.account, 'acct_A');
  });
});

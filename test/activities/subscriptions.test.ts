import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { createSubscriptionActivities } from '../../activities/subscriptions';
import { entitlements, subscriptionItems, subscriptions } from '../../db/schema';
import { currentApiEvent, fixtureEvent } from '../../dev/fixtures';
import {
  assertAppliedOnce,
  assertLedgerOutcome,
  assertRejectedAsInvalid,
  handlersOnPostgres,
  notificationsFor,
  rowById,
} from '../helpers/events';

/** A 2020-shaped `customer.subscription.<type>` event with one item of `product`. */
function subscriptionEvent(
  id: string,
  type: string,
  created: number,
  subscriptionId: string,
  status: string,
  product = 'prod_basic',
) {
  return fixtureEvent(`customer.subscription.${type}`, {
    id,
    created,
    object: {
      id: subscriptionId,
      customer: 'cus_1',
      status,
      current_period_start: 1000,
      current_period_end: 2000,
      items: {
        object: 'list',
        data: [{ id: `si_${subscriptionId}`, price: { id: `price_${product}`, product }, quantity: 3 }],
      },
    },
  });
}

describe('applySubscriptionEvent against Postgres', () => {
  const pg = handlersOnPostgres((db) => createSubscriptionActivities({ db }));

  const subscription = (id: string) => rowById(pg.db, subscriptions, id);
  const itemsOf = (id: string) =>
    pg.db.select().from(subscriptionItems).where(eq(subscriptionItems.subscriptionId, id));
  const granted = (id: string) =>
    pg.db.select().from(entitlements).where(eq(entitlements.subscriptionId, id));
  const trialMails = (id: string) => notificationsFor(pg.db, id);
  const apply = (...args: Parameters<typeof subscriptionEvent>) =>
    pg.activities.applySubscriptionEvent(subscriptionEvent(...args));

  it('mirrors a 2020 payload: period from the subscription, items, one entitlement per product', async () => {
    const result = await pg.activities.applySubscriptionEvent(fixtureEvent('subscription_created.json'));
    assert.equal(result.outcome, 'applied');
    const row = await subscription('sub_JdIzvfy6o5GZRd');
    assert.deepEqual(row?.currentPeriodEnd, new Date(1625740918 * 1000));
    assert.equal((await itemsOf('sub_JdIzvfy6o5GZRd')).length, 2);
    const [entitlement, ...more] = await granted('sub_JdIzvfy6o5GZRd');
    assert.equal(more.length, 0);
    assert.equal(entitlement?.productId, 'prod_Ip4vqwv3EJ7Mi0');
    assert.equal(entitlement?.customerId, 'cus_IhGfebO16cMIGN');

    // The fixture's cancellation of the same subscription removes access; its items are replaced
    // by the cancelled payload's, which lists one item instead of two.
    await pg.activities.applySubscriptionEvent(fixtureEvent('subscription_deleted.json'));
    assert.equal((await subscription('sub_JdIzvfy6o5GZRd'))?.status, 'canceled');
    assert.deepEqual(await granted('sub_JdIzvfy6o5GZRd'), []);
    assert.deepEqual(
      (await itemsOf('sub_JdIzvfy6o5GZRd')).map((item) => item.id),
      ['si_JdIzi4Tn5jV9PD'],
    );
  });

  it('mirrors a current payload: period from the items', async () => {
    const event = currentApiEvent('subscription', 'customer.subscription.updated', {
      id: 'evt_basil',
      created: 1_750_000_000,
    });
    assert.equal((await pg.activities.applySubscriptionEvent(event)).outcome, 'applied');
    const row = await subscription('sub_1Pgc6rB7WZ01zgkWNy0Cn5nw');
    assert.deepEqual(row?.currentPeriodEnd, new Date(976287773 * 1000));
    const [entitlement] = await granted('sub_1Pgc6rB7WZ01zgkWNy0Cn5nw');
    assert.equal(entitlement?.productId, 'prod_QXg1hqf4jFNsqG');
    assert.deepEqual(entitlement?.currentPeriodEnd, new Date(976287773 * 1000));
  });

  it('grants access while trialing or active and removes it on cancel', async () => {
    await apply('evt_g1', 'created', 100, 'sub_g', 'trialing');
    assert.deepEqual(
      (await granted('sub_g')).map((row) => [row.productId, row.quantity, row.status]),
      [['prod_basic', 3, 'trialing']],
    );
    await apply('evt_g2', 'updated', 200, 'sub_g', 'active', 'prod_pro');
    assert.deepEqual(
      (await granted('sub_g')).map((row) => [row.productId, row.status]),
      [['prod_pro', 'active']],
    );
    await apply('evt_g3', 'deleted', 300, 'sub_g', 'canceled');
    assert.deepEqual(await granted('sub_g'), []);
  });

  it('converges on the newest state whatever the arrival order, recording older events as stale', async () => {
    await apply('evt_o2', 'updated', 200, 'sub_o', 'active', 'prod_pro');
    const created = await apply('evt_o1', 'created', 100, 'sub_o', 'trialing');
    assert.equal(created.outcome, 'stale');
    await apply('evt_o4', 'updated', 400, 'sub_o', 'past_due', 'prod_pro');
    const older = await apply('evt_o3', 'updated', 300, 'sub_o', 'active', 'prod_basic');
    assert.equal(older.outcome, 'stale');
    const row = await subscription('sub_o');
    assert.equal(row?.status, 'past_due');
    assert.equal(row?.sourceEventId, 'evt_o4');
    assert.deepEqual(
      (await granted('sub_o')).map((entitlement) => [entitlement.productId, entitlement.status]),
      [['prod_pro', 'past_due']],
      'a stale event leaves the entitlements alone',
    );
    await assertLedgerOutcome(pg.db, 'evt_o3', 'stale');
  });

  it('lets a same-second cancellation win over an update in either order', async () => {
    // The update has the greater event id, so only the status rank can make the cancel win.
    await apply('evt_t_z1', 'updated', 500, 'sub_t1', 'active');
    await apply('evt_t_a1', 'deleted', 500, 'sub_t1', 'canceled');
    await apply('evt_t_a2', 'deleted', 500, 'sub_t2', 'canceled');
    const late = await apply('evt_t_z2', 'updated', 500, 'sub_t2', 'active');
    assert.equal(late.outcome, 'stale');
    for (const id of ['sub_t1', 'sub_t2']) {
      assert.equal((await subscription(id))?.status, 'canceled', id);
      assert.deepEqual(await granted(id), [], id);
    }
  });

  it('queues the trial-ending message once, however often the event runs', async () => {
    await apply('evt_w1', 'created', 100, 'sub_w', 'trialing');
    const event = subscriptionEvent('evt_w2', 'trial_will_end', 200, 'sub_w', 'trialing');
    await assertAppliedOnce(
      pg.db,
      (e) => pg.activities.applySubscriptionEvent(e),
      event,
      'applySubscriptionEvent',
    );
    const mails = await trialMails('sub_w');
    assert.deepEqual(
      mails.map((mail) => [mail.eventId, mail.kind, mail.customerId]),
      [['evt_w2', 'trial_ending', 'cus_1']],
    );
  });

  it('queues the trial-ending message after a newer trialing update, not after a cancellation', async () => {
    await apply('evt_x2', 'updated', 300, 'sub_x', 'trialing');
    const still = await apply('evt_x1', 'trial_will_end', 200, 'sub_x', 'trialing');
    assert.equal(still.outcome, 'applied', 'the row is older, but the message went out');
    assert.equal((await trialMails('sub_x')).length, 1);

    await apply('evt_y2', 'deleted', 300, 'sub_y', 'canceled');
    const ended = await apply('evt_y1', 'trial_will_end', 200, 'sub_y', 'trialing');
    assert.equal(ended.outcome, 'stale');
    assert.deepEqual(await trialMails('sub_y'), []);
  });

  it('fails with a named non-retryable error on a subscription without a customer', async () => {
    const event = subscriptionEvent('evt_m1', 'created', 100, 'sub_m', 'active');
    delete event.data.object.customer;
    await assertRejectedAsInvalid(pg.db, pg.activities.applySubscriptionEvent(event), 'evt_m1');
    assert.equal(await subscription('sub_m'), undefined);
  });
});

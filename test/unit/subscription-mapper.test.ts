import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entitlementRows, subscriptionItemRows, subscriptionRow } from '../../activities/subscriptions';
import type { StripeEvent } from '../../common/stripe-event';
import { currentApiEvent, fixtureEvent } from '../../dev/fixtures';
import { INVALID_PAYLOAD } from '../helpers/events';

/** The current-API subscription (periods on the items), as an update. */
const currentEvent = () => currentApiEvent('subscription', 'customer.subscription.updated');

/** The payload's item objects, to edit in place. */
const itemsOf = (event: StripeEvent) => (event.data.object.items as { data: Record<string, unknown>[] }).data;

const at = (seconds: number) => new Date(seconds * 1000);

describe('subscription mapper', () => {
  it('reads the billing period from the subscription in 2020 payloads', () => {
    const event = fixtureEvent('subscription_created.json');
    const row = subscriptionRow(event);
    assert.equal(row.id, 'sub_JdIzvfy6o5GZRd');
    assert.equal(row.customerId, 'cus_IhGfebO16cMIGN');
    assert.equal(row.status, 'active');
    assert.equal(row.latestInvoiceId, 'in_1J02NeJDPojXS6LNaiyWfNwT');
    assert.deepEqual(row.currentPeriodStart, at(1623148918));
    assert.deepEqual(row.currentPeriodEnd, at(1625740918));
    assert.equal(row.sourceEventId, event.id);
    assert.equal(row.sourceEventCreated, 1623148918);

    const items = subscriptionItemRows(event);
    assert.deepEqual(
      items.map((item) => [item.id, item.priceId, item.productId, item.quantity]),
      [
        ['si_JdIzi4Tn5jV9PD', 'price_1IDQm5JDPojXS6LNM31hxKzp', 'prod_Ip4vqwv3EJ7Mi0', 1],
        // The fixture's second item has no quantity (as metered prices do).
        ['si_JdIzi4Tn5jVaaa', 'price_1IDQm5JDPojXS6LNM31hxKzp', 'prod_Ip4vqwv3EJ7Mi0', null],
      ],
    );
    // Old items carry no period of their own: they share the subscription's.
    assert.deepEqual(items[0]?.currentPeriodEnd, at(1625740918));
  });

  it('reads the billing period from the items since 2025-03-31.basil', () => {
    const event = currentEvent();
    const items = itemsOf(event);
    items.push({
      ...structuredClone(items[0]!),
      id: 'si_second',
      current_period_start: 1_700_000_000,
      current_period_end: 1_990_000_000,
    });

    const row = subscriptionRow(event);
    assert.equal(row.customerId, 'cus_QXg1o8vcGmoR32');
    assert.equal(row.cancelAtPeriodEnd, true);
    // Start is the earliest item start, end the latest item end.
    assert.deepEqual(row.currentPeriodStart, at(1_700_000_000));
    assert.deepEqual(row.currentPeriodEnd, at(1_990_000_000));

    const [first] = subscriptionItemRows(event);
    // The price, not the fixture's placeholder plan (`obj_123`, no product), names the item.
    assert.equal(first?.priceId, 'price_1PgafmB7WZ01zgkW6dKueIc5');
    assert.equal(first?.productId, 'prod_QXg1hqf4jFNsqG');
    assert.deepEqual(first?.currentPeriodEnd, at(976287773));
  });

  it('reads an expanded product and falls back to the plan in old payloads', () => {
    const event = fixtureEvent('subscription_updated.json');
    const item = itemsOf(event)[0]!;
    item.price = { id: 'price_x', object: 'price', product: { id: 'prod_expanded', object: 'product' } };
    assert.equal(subscriptionItemRows(event)[0]?.productId, 'prod_expanded');
    delete item.price;
    const [fromPlan] = subscriptionItemRows(event);
    assert.deepEqual(
      [fromPlan?.priceId, fromPlan?.productId],
      ['price_1IDQm5JDPojXS6LNM31hxKzp', 'prod_Ip4vqwv3EJ7Mi0'],
    );
  });

  it('grants one entitlement per product while trialing, active or past due', () => {
    const event = fixtureEvent('subscription_created.json');
    const items = subscriptionItemRows(event);
    for (const status of ['trialing', 'active', 'past_due']) {
      const granted = entitlementRows({ ...subscriptionRow(event), status }, items);
      assert.deepEqual(
        granted.map((row) => [row.productId, row.quantity, row.status]),
        [['prod_Ip4vqwv3EJ7Mi0', 1, status]],
      );
      assert.deepEqual(granted[0]?.currentPeriodEnd, at(1625740918));
    }
    for (const status of ['canceled', 'unpaid', 'paused', 'incomplete', 'incomplete_expired']) {
      assert.deepEqual(entitlementRows({ ...subscriptionRow(event), status }, items), [], status);
    }
  });

  it('ranks a cancellation above an update of the same second', () => {
    const active = subscriptionRow(fixtureEvent('subscription_created.json'));
    const canceled = subscriptionRow(fixtureEvent('subscription_deleted.json'));
    assert.ok(canceled.sourceEventRank > active.sourceEventRank);
  });

  it('rejects a subscription without a customer, or a payload of another kind', () => {
    const noCustomer = fixtureEvent('subscription_created.json');
    delete noCustomer.data.object.customer;
    assert.throws(() => subscriptionRow(noCustomer), INVALID_PAYLOAD);
    const charge = fixtureEvent('subscription_created.json');
    charge.data.object = { id: 'ch_1', object: 'charge' };
    assert.throws(() => subscriptionRow(charge), INVALID_PAYLOAD);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { createCustomerActivities } from '../../activities/customers';
import type { StripeEvent } from '../../common/stripe-event';
import { customers, stripeEvents } from '../../db/schema';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

function customerEvent(
  id: string,
  type: string,
  created: number,
  email: string,
  deleted = false,
): StripeEvent {
  return {
    id,
    object: 'event',
    type,
    created,
    livemode: false,
    api_version: '2020-03-02',
    data: {
      object: { id: 'cus_1', object: 'customer', email, name: 'Jenny', ...(deleted ? { deleted } : {}) },
    },
  };
}

describe('applyCustomerEvent against Postgres', () => {
  let database: TestDatabase;
  let activities: ReturnType<typeof createCustomerActivities>;
  before(async () => {
    database = await createTestDatabase();
    activities = createCustomerActivities({ db: database.db });
  });
  after(async () => database.drop());

  it('applies once, then reports the ledger outcome without touching the row', async () => {
    const event = customerEvent('evt_c1', 'customer.created', 100, 'a@example.com');
    const first = await activities.applyCustomerEvent(event);
    assert.deepEqual(first, {
      eventId: 'evt_c1',
      handler: 'applyCustomerEvent',
      outcome: 'applied',
      alreadyRecorded: false,
    });
    const again = await activities.applyCustomerEvent(event);
    assert.equal(again.alreadyRecorded, true);
    assert.equal(again.outcome, 'applied');
    const ledger = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, 'evt_c1'));
    assert.equal(ledger.length, 1);
  });

  it('ignores an older event and records it as stale', async () => {
    await activities.applyCustomerEvent(customerEvent('evt_c2', 'customer.updated', 200, 'new@example.com'));
    const stale = await activities.applyCustomerEvent(
      customerEvent('evt_c3', 'customer.updated', 150, 'old@example.com'),
    );
    assert.equal(stale.outcome, 'stale');
    const [row] = await database.db.select().from(customers).where(eq(customers.id, 'cus_1'));
    assert.equal(row?.email, 'new@example.com');
    const [ledger] = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, 'evt_c3'));
    assert.equal(ledger?.outcome, 'stale');
  });

  it('lets a same-second deletion win over an update in either order', async () => {
    await activities.applyCustomerEvent(
      customerEvent('evt_c5', 'customer.deleted', 300, 'x@example.com', true),
    );
    const update = await activities.applyCustomerEvent(
      customerEvent('evt_c9', 'customer.updated', 300, 'y@example.com'),
    );
    assert.equal(update.outcome, 'stale');
    const [row] = await database.db.select().from(customers).where(eq(customers.id, 'cus_1'));
    assert.equal(row?.deleted, true);
  });

  it('fails with a named non-retryable error on a payload that is not a customer', async () => {
    const event = customerEvent('evt_c6', 'customer.updated', 400, 'z@example.com');
    event.data.object = { id: 'ch_1', object: 'charge' };
    await assert.rejects(activities.applyCustomerEvent(event), {
      type: 'InvalidStripePayload',
      nonRetryable: true,
    });
    const ledger = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, 'evt_c6'));
    assert.equal(ledger.length, 0, 'a failed transaction leaves no ledger row behind');
  });
});

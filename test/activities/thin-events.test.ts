import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities, THIN_EVENT_NEEDS_API_KEY } from '../../activities';
import { THIN_RETRY_DELAY_MS } from '../../activities/thin-events';
import { createStripeApi } from '../../common/stripe-api';
import { fromThinEvent } from '../../common/thin-event';
import { activeEntitlements, customers, products } from '../../db/schema';
import { fixtureEvent } from '../../dev/fixtures';
import { thinEvent } from '../../dev/thin-fixtures';
import { startFakeStripe } from '../helpers/fake-stripe';
import type { FakeStripe } from '../helpers/fake-stripe';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { INVALID_PAYLOAD, ledgerRows, rowById } from '../helpers/events';

const T = Math.floor(Date.now() / 1000) - 3600;

describe('thin events in the handlers: the object retrieved from a fake Stripe API', () => {
  let database: TestDatabase;
  let stripe: FakeStripe;
  before(async () => {
    database = await createTestDatabase();
    stripe = await startFakeStripe();
  });
  after(async () => {
    await stripe.close();
    await database.drop();
  });
  const withKey = () =>
    createActivities({
      db: database.db,
      stripeApi: createStripeApi({ apiKey: stripe.apiKey, baseUrl: stripe.baseUrl, requestsPerSecond: 100 }),
    });

  it('holds a thin event with a retryable failure that names STRIPE_API_KEY when no key is set', async () => {
    const event = fromThinEvent(thinEvent('customer.updated', { relatedId: 'cus_nokey', created: T }));
    const failure = await createActivities({ db: database.db })
      .applyCustomerEvent(event)
      .then(
        () => assert.fail('a thin event cannot be applied without the API'),
        (err: unknown) => err,
      );
    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.type, THIN_EVENT_NEEDS_API_KEY);
    assert.equal(failure.nonRetryable, false);
    assert.equal(failure.nextRetryDelay, THIN_RETRY_DELAY_MS);
    assert.match(failure.message, /thin events need STRIPE_API_KEY/);
    assert.deepEqual(await ledgerRows(database.db, event.id), [], 'nothing claimed while held');
  });

  it('applies the related object as the API returns it, versioned by Stripe’s clock', async () => {
    const customer = fixtureEvent('customer.updated').data.object;
    stripe.setObject({ ...customer, id: 'cus_thin', object: 'customer', name: 'From the API' });
    const event = fromThinEvent(thinEvent('customer.updated', { relatedId: 'cus_thin', created: T }));
    const result = await withKey().applyCustomerEvent(event);
    assert.deepEqual([result.outcome, result.refetched], ['applied', true]);
    const row = await rowById(database.db, customers, 'cus_thin');
    assert.equal(row?.name, 'From the API');
    assert.ok((row?.sourceEventCreated ?? 0) >= Math.floor(Date.now() / 1000) - 60, 'as of the fetch');
    const [ledger] = await ledgerRows(database.db, event.id);
    assert.deepEqual([ledger?.type, ledger?.refetched, ledger?.created], ['customer.updated', true, T]);
  });

  it('applies the snapshot event when the API no longer has the object (a deleted product)', async () => {
    const snapshot = fixtureEvent('product.deleted', { id: 'evt_snap_product', object: { id: 'prod_gone' } });
    stripe.addEvent(snapshot);
    const event = fromThinEvent(
      thinEvent('product.deleted', { relatedId: 'prod_gone', snapshotEvent: snapshot.id, created: T }),
    );
    assert.equal((await withKey().applyProductEvent(event)).outcome, 'applied');
    assert.equal((await rowById(database.db, products, 'prod_gone'))?.deleted, true);
  });

  it('applies the snapshot event for an event about no single object (an entitlement summary)', async () => {
    const snapshot = fixtureEvent('entitlements.active_entitlement_summary.updated', {
      id: 'evt_snap_summary',
      object: { customer: 'cus_thin_ent' },
    });
    stripe.addEvent(snapshot);
    const event = fromThinEvent(
      thinEvent('entitlements.active_entitlement_summary.updated', {
        relatedId: null,
        snapshotEvent: snapshot.id,
      }),
    );
    assert.equal(event.id, snapshot.id, 'one id for both formats');
    assert.equal((await withKey().applyEntitlementSummaryEvent(event)).outcome, 'applied');
    const granted = await database.db.select().from(activeEntitlements);
    assert.ok(granted.some((row) => row.customerId === 'cus_thin_ent' && row.lookupKey === 'journeys'));
  });

  it('fails as an invalid payload when neither the object nor a snapshot event is there', async () => {
    const event = fromThinEvent(
      thinEvent('review.opened', { relatedId: 'prv_nowhere', snapshotEvent: null }),
    );
    await assert.rejects(withKey().applyReviewEvent(event), INVALID_PAYLOAD);
    assert.deepEqual(await ledgerRows(database.db, event.id), []);
  });
});

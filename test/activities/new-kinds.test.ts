import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createActivities } from '../../activities';
import {
  activeEntitlements,
  customers,
  entitlementFeatures,
  invoices,
  paymentMethods,
  plans,
  products,
  subscriptions,
} from '../../db/schema';
import { eq } from 'drizzle-orm';
import { currentApiEvent, fixtureEvent } from '../../dev/fixtures';
import { assertAppliedOnce, assertLedgerOutcome, handlersOnPostgres, rowById } from '../helpers/events';

describe('the new kinds against Postgres: deletion, ordering, replaced sets', () => {
  const pg = handlersOnPostgres((db) => createActivities({ db }));

  it('applies a product once, then reports the ledger outcome', async () => {
    const event = fixtureEvent('product.created', { object: { id: 'prod_once' } });
    await assertAppliedOnce(pg.db, (e) => pg.activities.applyProductEvent(e), event, 'applyProductEvent');
    assert.equal((await rowById(pg.db, products, 'prod_once'))?.name, 'fake product');
  });

  it('keeps a bare deletion from erasing what the mirror knew: plan.deleted marks it, nothing more', async () => {
    await pg.activities.applyPlanEvent(
      fixtureEvent('plan.created', { created: 100, object: { id: 'plan_bare' } }),
    );
    const deleted = await pg.activities.applyPlanEvent(
      fixtureEvent('plan.deleted', { created: 200, object: { id: 'plan_bare' } }),
    );
    assert.equal(deleted.outcome, 'applied');
    const row = await rowById(pg.db, plans, 'plan_bare');
    assert.deepEqual([row?.deleted, row?.amount, row?.productId], [true, 59900, 'prod_MeUrsWN6pj0oXM']);
    // A bare deletion of a plan the mirror never saw still leaves a row saying it is gone.
    await pg.activities.applyPlanEvent(fixtureEvent('plan.deleted', { object: { id: 'plan_unseen' } }));
    assert.deepEqual([(await rowById(pg.db, plans, 'plan_unseen'))?.deleted], [true]);
  });

  it('lets a same-second deletion win over an update in either order', async () => {
    for (const [first, second] of [
      ['product.deleted', 'product.updated'],
      ['product.updated', 'product.deleted'],
    ] as const) {
      const id = `prod_tie_${first}`;
      // Ids chosen so the update carries the greater event id: only the rank can make the deletion win.
      await pg.activities.applyProductEvent(
        fixtureEvent(first, {
          id: first.endsWith('deleted') ? 'evt_a' + id : 'evt_z' + id,
          created: 300,
          object: { id },
        }),
      );
      await pg.activities.applyProductEvent(
        fixtureEvent(second, {
          id: second.endsWith('deleted') ? 'evt_a' + id : 'evt_z' + id,
          created: 300,
          object: { id },
        }),
      );
      assert.equal((await rowById(pg.db, products, id))?.deleted, true, `${first} then ${second}`);
    }
  });

  it('records an older event as stale and leaves the newer state', async () => {
    await pg.activities.applyPaymentMethodEvent(
      fixtureEvent('payment_method.detached', { created: 500, object: { id: 'pm_order' } }),
    );
    const late = fixtureEvent('payment_method.attached', { created: 400, object: { id: 'pm_order' } });
    assert.equal((await pg.activities.applyPaymentMethodEvent(late)).outcome, 'stale');
    await assertLedgerOutcome(pg.db, late.id, 'stale');
    assert.equal((await rowById(pg.db, paymentMethods, 'pm_order'))?.status, 'detached');
  });

  it('replaces a customer’s active entitlements whole, and only with a newer summary', async () => {
    const summary = (created: number, keys: string[]) =>
      fixtureEvent('entitlements.active_entitlement_summary.updated', {
        created,
        object: {
          customer: 'cus_ent',
          entitlements: {
            object: 'list',
            data: keys.map((key) => ({
              id: `ent_${key}`,
              object: 'entitlements.active_entitlement',
              feature: `feat_${key}`,
              lookup_key: key,
              livemode: false,
            })),
            has_more: false,
          },
        },
      });
    const granted = async () =>
      (await pg.db.select().from(activeEntitlements).where(eq(activeEntitlements.customerId, 'cus_ent')))
        .map((row) => row.lookupKey)
        .sort();
    await pg.activities.applyEntitlementSummaryEvent(summary(100, ['journeys', 'reports']));
    assert.deepEqual(await granted(), ['journeys', 'reports']);
    await pg.activities.applyEntitlementSummaryEvent(summary(200, ['reports']));
    assert.deepEqual(await granted(), ['reports']);
    const stale = await pg.activities.applyEntitlementSummaryEvent(summary(150, ['journeys', 'exports']));
    assert.equal(stale.outcome, 'stale');
    assert.deepEqual(await granted(), ['reports'], 'an older summary grants nothing back');
    assert.equal((await rowById(pg.db, entitlementFeatures, 'feat_journeys'))?.lookupKey, 'journeys');
  });

  it('stores the discounts of subscriptions and invoices, and the customer’s card on file', async () => {
    const subscription = currentApiEvent('subscription', 'customer.subscription.updated', {
      object: { id: 'sub_disc', discounts: ['di_1', { id: 'di_2', object: 'discount' }] },
    });
    await pg.activities.applySubscriptionEvent(subscription);
    assert.deepEqual((await rowById(pg.db, subscriptions, 'sub_disc'))?.discountIds, ['di_1', 'di_2']);
    await pg.activities.applyInvoiceEvent(
      currentApiEvent('invoice', 'invoice.updated', {
        object: {
          id: 'in_disc',
          discounts: ['di_3'],
          total_discount_amounts: [{ amount: 150, discount: 'di_3' }],
        },
      }),
    );
    const invoice = await rowById(pg.db, invoices, 'in_disc');
    assert.deepEqual([invoice?.discountIds, invoice?.totalDiscountAmount], [['di_3'], 150]);
    await pg.activities.applyCustomerEvent(
      fixtureEvent('customer.updated', {
        object: { id: 'cus_card', invoice_settings: { default_payment_method: 'pm_on_file' } },
      }),
    );
    assert.equal((await rowById(pg.db, customers, 'cus_card'))?.defaultPaymentMethodId, 'pm_on_file');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planRow, priceRow, productRow } from '../../activities/kinds/catalog';
import { couponRow, discountKey, discountRow, promotionCodeRow } from '../../activities/kinds/promotions';
import { statusRank } from '../../activities/ordering';
import { currentApiEvent, fixtureEvent } from '../../dev/fixtures';
import { INVALID_PAYLOAD } from '../helpers/events';

describe('catalog and promotion mappers, on real payloads and current API shapes', () => {
  it('maps a 2020-era product and the current one', () => {
    const old = productRow(fixtureEvent('product_updated.json', { id: 'evt_pr1' }));
    assert.deepEqual(
      [old.id, old.name, old.active, old.deleted, old.defaultPriceId, old.sourceEventRank],
      ['prod_IsRLOp58Z7V4XN', 'Pro tier', true, false, null, 0],
    );
    const current = productRow(currentApiEvent('product', 'product.updated', { id: 'evt_pr2' }));
    assert.equal(current.defaultPriceId, 'price_1PgafmB7WZ01zgkW02Hf9z6c');
    assert.equal(current.description, 'Comfortable gray cotton t-shirt');
  });

  it('marks product.deleted deleted (the payload says nothing of it) and ranks it final', () => {
    const row = productRow(fixtureEvent('product_deleted.json', { id: 'evt_pr3' }));
    assert.equal(row.deleted, true);
    assert.equal(row.name, 'fake product', 'a full payload keeps its fields');
    assert.equal(row.sourceEventRank, statusRank('product', 'deleted'));
    assert.ok(row.sourceEventRank > 0);
  });

  it('maps a price: product, amount, recurring interval', () => {
    const row = priceRow(fixtureEvent('price_updated.json', { id: 'evt_pc1' }));
    assert.deepEqual(
      [
        row.productId,
        row.currency,
        row.unitAmount,
        row.type,
        row.recurringInterval,
        row.recurringIntervalCount,
      ],
      ['prod_IsRLOp58Z7V4XN', 'usd', 2500, 'recurring', 'month', 1],
    );
    const current = priceRow(currentApiEvent('price', 'price.created', { id: 'evt_pc2' }));
    assert.deepEqual([current.productId, current.unitAmount], ['prod_QXg1hqf4jFNsqG', 2000]);
  });

  it('writes only the key, the flag and the version for a bare plan.deleted', () => {
    const plan = planRow(fixtureEvent('plan_created.json', { id: 'evt_pl1' }));
    assert.deepEqual(
      [plan.productId, plan.amount, plan.currency, plan.interval, plan.intervalCount],
      ['prod_MeUrsWN6pj0oXM', 59900, 'usd', 'month', 1],
    );
    const bare = planRow(fixtureEvent('plan_deleted.json', { id: 'evt_pl2' }));
    assert.deepEqual(Object.keys(bare).sort(), [
      'account',
      'deleted',
      'id',
      'livemode',
      'sourceEventCreated',
      'sourceEventId',
      'sourceEventRank',
    ]);
    assert.equal(bare.deleted, true);
  });

  it('maps a coupon, percent off kept as a fraction', () => {
    const row = couponRow(currentApiEvent('coupon', 'coupon.created', { id: 'evt_co1' }));
    assert.deepEqual(
      [row.id, row.percentOff, row.amountOff, row.duration, row.durationInMonths, row.valid],
      ['Z4OV52SU', 25.5, null, 'forever', 3, true],
    );
    assert.equal(couponRow(fixtureEvent('coupon.deleted')).deleted, true);
  });

  it('reads the coupon of a promotion code from both shapes', () => {
    const current = promotionCodeRow(
      currentApiEvent('promotion_code', 'promotion_code.created', {
        id: 'evt_pm1',
        object: { promotion: { type: 'coupon', coupon: 'Z4OV52SU' } },
      }),
    );
    assert.deepEqual([current.code, current.couponId, current.active], ['FALL20', 'Z4OV52SU', true]);
    const legacy = promotionCodeRow(
      currentApiEvent('promotion_code', 'promotion_code.updated', {
        object: { promotion: undefined, coupon: { id: 'OLD10', object: 'coupon' } },
      }),
    );
    assert.equal(legacy.couponId, 'OLD10');
    const codeless = currentApiEvent('promotion_code', 'promotion_code.updated', { object: { code: null } });
    assert.throws(() => promotionCodeRow(codeless), INVALID_PAYLOAD);
  });

  it('maps a discount, and keys a discount without an id by what it applies to', () => {
    const row = discountRow(
      currentApiEvent('discount', 'customer.discount.created', {
        id: 'evt_di1',
        object: { source: { type: 'coupon', coupon: 'Z4OV52SU' }, subscription: 'sub_1' },
      }),
    );
    assert.deepEqual(
      [row.id, row.customerId, row.subscriptionId, row.couponId, row.deleted],
      ['di_1Pgc6rB7WZ01zgkW7Al8Fal9', 'cus_QXg1o8vcGmoR32', 'sub_1', 'Z4OV52SU', false],
    );
    const legacy = { object: 'discount', coupon: { id: 'OLD10' }, customer: 'cus_1', subscription: 'sub_1' };
    assert.equal(discountKey(legacy), 'sub_1');
    assert.equal(discountKey({ ...legacy, subscription: null }), 'cus_1');
    const deleted = discountRow(
      currentApiEvent('discount', 'customer.discount.deleted', { object: { id: undefined, ...legacy } }),
    );
    assert.deepEqual([deleted.id, deleted.deleted, deleted.couponId], ['sub_1', true, 'OLD10']);
  });
});

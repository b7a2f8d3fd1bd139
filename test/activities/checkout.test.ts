import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCheckoutActivities } from '../../activities/checkout';
import { checkoutSessions } from '../../db/schema';
import { fixtureEvent } from '../../dev/fixtures';
import { assertAppliedOnce, assertRejectedAsInvalid, handlersOnPostgres, rowById } from '../helpers/events';

/** A `checkout.session.<type>` event for a completed session in `paymentStatus`. */
function sessionEvent(id: string, type: string, created: number, sessionId: string, paymentStatus: string) {
  return fixtureEvent(`checkout.session.${type}`, {
    id,
    created,
    object: { id: sessionId, status: 'complete', payment_status: paymentStatus },
  });
}

describe('applyCheckoutSessionEvent against Postgres', () => {
  let now = new Date('2025-06-01T00:00:00Z');
  const pg = handlersOnPostgres((db) => createCheckoutActivities({ db, clock: () => now }));

  const session = (id: string) => rowById(pg.db, checkoutSessions, id);
  const apply = (...args: Parameters<typeof sessionEvent>) =>
    pg.activities.applyCheckoutSessionEvent(sessionEvent(...args));

  it('fulfils a paid session once; a replay changes nothing', async () => {
    // The vendored completion as it is: complete and paid.
    const event = fixtureEvent('checkout_session_completed.json');
    const fulfilledAt = now;
    await assertAppliedOnce(
      pg.db,
      (e) => pg.activities.applyCheckoutSessionEvent(e),
      event,
      'applyCheckoutSessionEvent',
      () => {
        now = new Date('2025-06-02T00:00:00Z');
      },
    );
    const row = await session(event.data.object.id as string);
    assert.equal(row?.paymentStatus, 'paid');
    assert.deepEqual(row?.fulfilledAt, fulfilledAt);
  });

  it('fulfils a delayed payment when it succeeds, and keeps that time on later writes', async () => {
    now = new Date('2025-06-10T00:00:00Z');
    await apply('evt_d1', 'completed', 100, 'cs_d', 'unpaid');
    assert.equal((await session('cs_d'))?.fulfilledAt, null, 'not fulfilled while the payment is pending');

    now = new Date('2025-06-12T00:00:00Z');
    assert.equal((await apply('evt_d2', 'async_payment_succeeded', 200, 'cs_d', 'paid')).outcome, 'applied');
    assert.deepEqual((await session('cs_d'))?.fulfilledAt, new Date('2025-06-12T00:00:00Z'));

    // A newer write of the same session (here, a later event in the same state) keeps the first time.
    now = new Date('2025-06-20T00:00:00Z');
    assert.equal((await apply('evt_d3', 'async_payment_succeeded', 300, 'cs_d', 'paid')).outcome, 'applied');
    const row = await session('cs_d');
    assert.equal(row?.sourceEventId, 'evt_d3');
    assert.deepEqual(row?.fulfilledAt, new Date('2025-06-12T00:00:00Z'));
  });

  it('ignores an unpaid completion that arrives after the payment settled', async () => {
    now = new Date('2025-07-01T00:00:00Z');
    await apply('evt_l2', 'async_payment_succeeded', 200, 'cs_l', 'paid');
    const late = await apply('evt_l1', 'completed', 100, 'cs_l', 'unpaid');
    assert.equal(late.outcome, 'stale');
    const row = await session('cs_l');
    assert.equal(row?.paymentStatus, 'paid');
    assert.deepEqual(row?.fulfilledAt, now);
  });

  it('lets a same-second payment beat the unpaid completion in either order', async () => {
    // The unpaid event has the greater id, so only the payment rank can make `paid` win.
    await apply('evt_s_z1', 'completed', 500, 'cs_s1', 'unpaid');
    await apply('evt_s_a1', 'async_payment_succeeded', 500, 'cs_s1', 'paid');
    await apply('evt_s_a2', 'async_payment_succeeded', 500, 'cs_s2', 'paid');
    await apply('evt_s_z2', 'completed', 500, 'cs_s2', 'unpaid');
    for (const id of ['cs_s1', 'cs_s2']) {
      const row = await session(id);
      assert.equal(row?.paymentStatus, 'paid', id);
      assert.notEqual(row?.fulfilledAt, null, id);
    }
  });

  it('records a failed delayed payment over its same-second completion, unfulfilled', async () => {
    await apply('evt_f_a', 'async_payment_failed', 600, 'cs_f', 'unpaid');
    const completion = await apply('evt_f_z', 'completed', 600, 'cs_f', 'unpaid');
    assert.equal(completion.outcome, 'stale');
    const row = await session('cs_f');
    assert.equal(row?.sourceEventId, 'evt_f_a');
    assert.equal(row?.fulfilledAt, null);
  });

  it('fails with a named non-retryable error on a session without payment_status', async () => {
    const event = sessionEvent('evt_bad', 'completed', 700, 'cs_bad', 'paid');
    delete event.data.object.payment_status;
    await assertRejectedAsInvalid(pg.db, pg.activities.applyCheckoutSessionEvent(event), 'evt_bad');
  });
});

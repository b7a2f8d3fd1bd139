import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { createCheckoutActivities } from '../../activities/checkout';
import type { StripeEvent } from '../../common/stripe-event';
import { checkoutSessions, stripeEvents } from '../../db/schema';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

function sessionEvent(
  id: string,
  type: string,
  created: number,
  sessionId: string,
  status: string,
  paymentStatus: string,
): StripeEvent {
  return {
    id,
    object: 'event',
    type: `checkout.session.${type}`,
    created,
    livemode: false,
    api_version: '2025-03-31.basil',
    data: {
      object: {
        id: sessionId,
        object: 'checkout.session',
        customer: 'cus_1',
        mode: 'payment',
        status,
        payment_status: paymentStatus,
        amount_total: 999,
        currency: 'eur',
      },
    },
  };
}

describe('applyCheckoutSessionEvent against Postgres', () => {
  let database: TestDatabase;
  let activities: ReturnType<typeof createCheckoutActivities>;
  let now = new Date('2025-06-01T00:00:00Z');
  before(async () => {
    database = await createTestDatabase();
    activities = createCheckoutActivities({ db: database.db, clock: () => now });
  });
  after(async () => database.drop());

  const session = async (id: string) =>
    (await database.db.select().from(checkoutSessions).where(eq(checkoutSessions.id, id)))[0];

  it('fulfils a paid session once; a replay changes nothing', async () => {
    const file = path.join(__dirname, '..', 'fixtures', 'stripe-events', 'checkout_session_completed.json');
    const event = JSON.parse(readFileSync(file, 'utf8')) as StripeEvent;
    const first = await activities.applyCheckoutSessionEvent(event);
    assert.deepEqual(first, {
      eventId: event.id,
      handler: 'applyCheckoutSessionEvent',
      outcome: 'applied',
      alreadyRecorded: false,
    });
    const fulfilledAt = now;
    now = new Date('2025-06-02T00:00:00Z');
    const again = await activities.applyCheckoutSessionEvent(event);
    assert.equal(again.alreadyRecorded, true);
    const row = await session(event.data.object.id as string);
    assert.equal(row?.paymentStatus, 'paid');
    assert.deepEqual(row?.fulfilledAt, fulfilledAt);
  });

  it('fulfils a delayed payment when it succeeds, and keeps that time on later writes', async () => {
    now = new Date('2025-06-10T00:00:00Z');
    await activities.applyCheckoutSessionEvent(
      sessionEvent('evt_d1', 'completed', 100, 'cs_d', 'complete', 'unpaid'),
    );
    assert.equal((await session('cs_d'))?.fulfilledAt, null, 'not fulfilled while the payment is pending');

    now = new Date('2025-06-12T00:00:00Z');
    const settled = sessionEvent('evt_d2', 'async_payment_succeeded', 200, 'cs_d', 'complete', 'paid');
    assert.equal((await activities.applyCheckoutSessionEvent(settled)).outcome, 'applied');
    assert.deepEqual((await session('cs_d'))?.fulfilledAt, new Date('2025-06-12T00:00:00Z'));

    // A newer write of the same session (here, a later event in the same state) keeps the first time.
    now = new Date('2025-06-20T00:00:00Z');
    const later = sessionEvent('evt_d3', 'async_payment_succeeded', 300, 'cs_d', 'complete', 'paid');
    assert.equal((await activities.applyCheckoutSessionEvent(later)).outcome, 'applied');
    const row = await session('cs_d');
    assert.equal(row?.sourceEventId, 'evt_d3');
    assert.deepEqual(row?.fulfilledAt, new Date('2025-06-12T00:00:00Z'));
  });

  it('ignores an unpaid completion that arrives after the payment settled', async () => {
    now = new Date('2025-07-01T00:00:00Z');
    await activities.applyCheckoutSessionEvent(
      sessionEvent('evt_l2', 'async_payment_succeeded', 200, 'cs_l', 'complete', 'paid'),
    );
    const late = await activities.applyCheckoutSessionEvent(
      sessionEvent('evt_l1', 'completed', 100, 'cs_l', 'complete', 'unpaid'),
    );
    assert.equal(late.outcome, 'stale');
    const row = await session('cs_l');
    assert.equal(row?.paymentStatus, 'paid');
    assert.deepEqual(row?.fulfilledAt, now);
  });

  it('lets a same-second payment beat the unpaid completion in either order', async () => {
    // The unpaid event has the greater id, so only the payment rank can make `paid` win.
    await activities.applyCheckoutSessionEvent(
      sessionEvent('evt_s_z1', 'completed', 500, 'cs_s1', 'complete', 'unpaid'),
    );
    await activities.applyCheckoutSessionEvent(
      sessionEvent('evt_s_a1', 'async_payment_succeeded', 500, 'cs_s1', 'complete', 'paid'),
    );
    await activities.applyCheckoutSessionEvent(
      sessionEvent('evt_s_a2', 'async_payment_succeeded', 500, 'cs_s2', 'complete', 'paid'),
    );
    await activities.applyCheckoutSessionEvent(
      sessionEvent('evt_s_z2', 'completed', 500, 'cs_s2', 'complete', 'unpaid'),
    );
    for (const id of ['cs_s1', 'cs_s2']) {
      const row = await session(id);
      assert.equal(row?.paymentStatus, 'paid', id);
      assert.notEqual(row?.fulfilledAt, null, id);
    }
  });

  it('records a failed delayed payment over its same-second completion, unfulfilled', async () => {
    await activities.applyCheckoutSessionEvent(
      sessionEvent('evt_f_a', 'async_payment_failed', 600, 'cs_f', 'complete', 'unpaid'),
    );
    const completion = await activities.applyCheckoutSessionEvent(
      sessionEvent('evt_f_z', 'completed', 600, 'cs_f', 'complete', 'unpaid'),
    );
    assert.equal(completion.outcome, 'stale');
    const row = await session('cs_f');
    assert.equal(row?.sourceEventId, 'evt_f_a');
    assert.equal(row?.fulfilledAt, null);
  });

  it('fails with a named non-retryable error on a session without payment_status', async () => {
    const event = sessionEvent('evt_bad', 'completed', 700, 'cs_bad', 'complete', 'paid');
    delete event.data.object.payment_status;
    await assert.rejects(activities.applyCheckoutSessionEvent(event), {
      type: 'InvalidStripePayload',
      nonRetryable: true,
    });
    const ledger = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, 'evt_bad'));
    assert.equal(ledger.length, 0, 'a failed event leaves no ledger row behind');
  });
});

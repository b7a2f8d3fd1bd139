import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { createPaymentActivities } from '../../activities/payments';
import type { StripeEvent, StripeObject } from '../../common/stripe-event';
import { charges, paymentIntents, refunds, stripeEvents } from '../../db/schema';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

function legacyObject(file: string): StripeObject {
  return (JSON.parse(readFileSync(path.join(FIXTURES, 'stripe-events', file), 'utf8')) as StripeEvent).data
    .object;
}

const CURRENT_CHARGE = (
  JSON.parse(readFileSync(path.join(FIXTURES, 'stripe-openapi-fixtures3.json'), 'utf8')) as {
    resources: Record<string, StripeObject>;
  }
).resources.charge as StripeObject;

/** An event around `object`, with its own event id: fixture ids repeat across files. */
function event(
  id: string,
  type: string,
  created: number,
  object: StripeObject,
  apiVersion = '2020-03-02',
): StripeEvent {
  return { id, object: 'event', type, created, livemode: false, api_version: apiVersion, data: { object } };
}

function intentEvent(
  id: string,
  type: string,
  created: number,
  intentId: string,
  status: string,
): StripeEvent {
  return event(id, type, created, { ...legacyObject('payment_intent_created.json'), id: intentId, status });
}

/** The 2020 charge.refunded fixture: fully refunded, its refund listed in `refunds.data`. */
const REFUNDED_CHARGE = legacyObject('charge_refunded.json');
const EMBEDDED_REFUND_ID = 're_3Kl36gJDPojXS6LN0eP4yPDz';

/** The same charge before its refund. */
function succeededCharge(chargeId: string): StripeObject {
  return {
    ...REFUNDED_CHARGE,
    id: chargeId,
    amount_refunded: 0,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false },
  };
}

describe('payment handlers against Postgres', () => {
  let database: TestDatabase;
  let activities: ReturnType<typeof createPaymentActivities>;
  before(async () => {
    database = await createTestDatabase();
    activities = createPaymentActivities({ db: database.db });
  });
  after(async () => database.drop());

  async function storedCharge(id: string) {
    const [row] = await database.db.select().from(charges).where(eq(charges.id, id));
    return row;
  }

  async function storedRefund(id: string) {
    const [row] = await database.db.select().from(refunds).where(eq(refunds.id, id));
    return row;
  }

  describe('applyPaymentIntentEvent', () => {
    it('applies once, then reports the ledger outcome without touching the row', async () => {
      const created = intentEvent(
        'evt_p1',
        'payment_intent.created',
        100,
        'pi_once',
        'requires_payment_method',
      );
      const first = await activities.applyPaymentIntentEvent(created);
      assert.deepEqual(first, {
        eventId: 'evt_p1',
        handler: 'applyPaymentIntentEvent',
        outcome: 'applied',
        alreadyRecorded: false,
      });
      const again = await activities.applyPaymentIntentEvent(created);
      assert.equal(again.alreadyRecorded, true);
      const rows = await database.db.select().from(paymentIntents).where(eq(paymentIntents.id, 'pi_once'));
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.customerId, null);
    });

    it('ignores an older event and records it as stale', async () => {
      await activities.applyPaymentIntentEvent(
        intentEvent('evt_p2', 'payment_intent.succeeded', 200, 'pi_order', 'succeeded'),
      );
      const stale = await activities.applyPaymentIntentEvent(
        intentEvent('evt_p3', 'payment_intent.processing', 190, 'pi_order', 'processing'),
      );
      assert.equal(stale.outcome, 'stale');
      const [row] = await database.db.select().from(paymentIntents).where(eq(paymentIntents.id, 'pi_order'));
      assert.equal(row?.status, 'succeeded');
    });

    it('lets a same-second succeeded win over processing in either order', async () => {
      await activities.applyPaymentIntentEvent(
        intentEvent('evt_p4a', 'payment_intent.succeeded', 300, 'pi_tie_1', 'succeeded'),
      );
      await activities.applyPaymentIntentEvent(
        intentEvent('evt_p4z', 'payment_intent.processing', 300, 'pi_tie_1', 'processing'),
      );
      await activities.applyPaymentIntentEvent(
        intentEvent('evt_p5z', 'payment_intent.processing', 300, 'pi_tie_2', 'processing'),
      );
      await activities.applyPaymentIntentEvent(
        intentEvent('evt_p5a', 'payment_intent.succeeded', 300, 'pi_tie_2', 'succeeded'),
      );
      const rows = await database.db
        .select()
        .from(paymentIntents)
        .where(eq(paymentIntents.status, 'succeeded'));
      assert.deepEqual(
        rows
          .map((row) => row.id)
          .filter((id) => id.startsWith('pi_tie'))
          .sort(),
        ['pi_tie_1', 'pi_tie_2'],
      );
    });
  });

  describe('applyChargeEvent', () => {
    it('writes the refunds a 2020-era charge.refunded lists, sourced from that event', async () => {
      const result = await activities.applyChargeEvent(
        event('evt_ch1', 'charge.refunded', 1000, REFUNDED_CHARGE),
      );
      assert.equal(result.outcome, 'applied');
      const charge = await storedCharge('ch_3Kl36gJDPojXS6LN0DCM4A8l');
      assert.equal(charge?.refunded, true);
      assert.equal(charge?.amountRefunded, 2500);
      const refund = await storedRefund(EMBEDDED_REFUND_ID);
      assert.equal(refund?.chargeId, 'ch_3Kl36gJDPojXS6LN0DCM4A8l');
      assert.equal(refund?.status, 'succeeded');
      assert.equal(refund?.sourceEventId, 'evt_ch1');

      const again = await activities.applyChargeEvent(
        event('evt_ch1', 'charge.refunded', 1000, REFUNDED_CHARGE),
      );
      assert.equal(again.alreadyRecorded, true);
      const rows = await database.db
        .select()
        .from(refunds)
        .where(eq(refunds.chargeId, 'ch_3Kl36gJDPojXS6LN0DCM4A8l'));
      assert.equal(rows.length, 1);
    });

    it('writes only the charge from a current payload, which lists no refunds', async () => {
      const current = {
        ...CURRENT_CHARGE,
        id: 'ch_current',
        amount_refunded: 100,
        refunded: true,
        refunds: undefined,
      };
      await activities.applyChargeEvent(
        event('evt_ch2', 'charge.refunded', 1100, current, '2025-03-31.basil'),
      );
      assert.equal((await storedCharge('ch_current'))?.refunded, true);
      const rows = await database.db.select().from(refunds).where(eq(refunds.chargeId, 'ch_current'));
      assert.equal(rows.length, 0);
    });

    it('ignores an older event and records it as stale', async () => {
      await activities.applyChargeEvent(
        event('evt_ch3', 'charge.refunded', 1200, { ...REFUNDED_CHARGE, id: 'ch_order', refunds: null }),
      );
      const stale = await activities.applyChargeEvent(
        event('evt_ch4', 'charge.succeeded', 1199, succeededCharge('ch_order')),
      );
      assert.equal(stale.outcome, 'stale');
      assert.equal((await storedCharge('ch_order'))?.refunded, true);
      const [ledger] = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, 'evt_ch4'));
      assert.equal(ledger?.outcome, 'stale');
    });

    it('lets a same-second refunded charge win over succeeded in either order', async () => {
      // The succeeded events carry the greater event ids, so only the refund bump can make refunded win.
      const refunded = (chargeId: string) => ({ ...REFUNDED_CHARGE, id: chargeId, refunds: null });
      await activities.applyChargeEvent(event('evt_ch5a', 'charge.refunded', 1300, refunded('ch_tie_1')));
      const late = await activities.applyChargeEvent(
        event('evt_ch5z', 'charge.succeeded', 1300, succeededCharge('ch_tie_1')),
      );
      assert.equal(late.outcome, 'stale');
      await activities.applyChargeEvent(
        event('evt_ch6z', 'charge.succeeded', 1300, succeededCharge('ch_tie_2')),
      );
      await activities.applyChargeEvent(event('evt_ch6a', 'charge.refunded', 1300, refunded('ch_tie_2')));
      assert.equal((await storedCharge('ch_tie_1'))?.refunded, true);
      assert.equal((await storedCharge('ch_tie_2'))?.refunded, true);
    });

    it('keeps a newer refund state over the copy embedded in an older charge event', async () => {
      const refund = {
        ...legacyObject('refund_updated.json'),
        id: 're_guarded',
        charge: 'ch_guarded',
        status: 'canceled',
      };
      await activities.applyRefundEvent(event('evt_ch7', 'refund.updated', 1500, refund));
      const embedded = { ...refund, status: 'pending' };
      const charge = { ...REFUNDED_CHARGE, id: 'ch_guarded', refunds: { object: 'list', data: [embedded] } };
      const result = await activities.applyChargeEvent(event('evt_ch8', 'charge.refunded', 1400, charge));
      assert.equal(result.outcome, 'applied', 'the charge itself was new');
      assert.equal((await storedRefund('re_guarded'))?.status, 'canceled');
    });
  });

  describe('applyRefundEvent', () => {
    const refundEvent = (id: string, type: string, created: number, refundId: string, status: string) =>
      event(id, type, created, { ...legacyObject('refund_created.json'), id: refundId, status });

    it('applies once and ignores an older event as stale', async () => {
      const updated = refundEvent('evt_r1', 'refund.updated', 2000, 're_order', 'succeeded');
      assert.equal((await activities.applyRefundEvent(updated)).outcome, 'applied');
      assert.equal((await activities.applyRefundEvent(updated)).alreadyRecorded, true);
      const stale = await activities.applyRefundEvent(
        refundEvent('evt_r2', 'refund.created', 1990, 're_order', 'pending'),
      );
      assert.equal(stale.outcome, 'stale');
      const stored = await storedRefund('re_order');
      assert.equal(stored?.status, 'succeeded');
      assert.equal(stored?.chargeId, 'ch_1NirD82eZvKYlo2CIvbtLWuY');
      assert.equal(stored?.paymentIntentId, 'pi_1GszsK2eZvKYlo2CfhZyoZLp');
    });

    it('lets a same-second final state win over pending in either order', async () => {
      await activities.applyRefundEvent(refundEvent('evt_r3a', 'refund.failed', 2100, 're_tie_1', 'failed'));
      await activities.applyRefundEvent(
        refundEvent('evt_r3z', 'refund.created', 2100, 're_tie_1', 'pending'),
      );
      await activities.applyRefundEvent(
        refundEvent('evt_r4z', 'refund.created', 2100, 're_tie_2', 'pending'),
      );
      await activities.applyRefundEvent(refundEvent('evt_r4a', 'refund.failed', 2100, 're_tie_2', 'failed'));
      assert.equal((await storedRefund('re_tie_1'))?.status, 'failed');
      assert.equal((await storedRefund('re_tie_2'))?.status, 'failed');
    });

    it('fails with a named non-retryable error on a payload that is not a refund', async () => {
      const wrong = event('evt_r5', 'refund.updated', 2200, succeededCharge('ch_wrong'));
      await assert.rejects(activities.applyRefundEvent(wrong), {
        type: 'InvalidStripePayload',
        nonRetryable: true,
      });
      const ledger = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, 'evt_r5'));
      assert.equal(ledger.length, 0, 'a failed transaction leaves no ledger row behind');
    });
  });
});

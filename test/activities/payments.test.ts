import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { createPaymentActivities } from '../../activities/payments';
import { charges, paymentIntents, refunds } from '../../db/schema';
import { currentApiEvent, fixtureEvent } from '../../dev/fixtures';
import {
  assertAppliedOnce,
  assertLedgerOutcome,
  assertRejectedAsInvalid,
  fixtureEventAs,
  handlersOnPostgres,
  objectEvents,
  rowById,
} from '../helpers/events';

/** `type` events about payment_intent_created.json's 2020-era payment intent, renamed and in a status. */
const intentEvent = objectEvents('payment_intent_created.json');

/**
 * A `type` event about the 2020 charge.refunded fixture's charge (fully refunded, its refund listed
 * in `refunds.data`), with `object` merged over it.
 */
function chargeEvent(id: string, type: string, created: number, object: Record<string, unknown> = {}) {
  return fixtureEventAs(type, 'charge_refunded.json', { id, created, object });
}
const REFUNDED_CHARGE_ID = 'ch_3Kl36gJDPojXS6LN0DCM4A8l';
const EMBEDDED_REFUND_ID = 're_3Kl36gJDPojXS6LN0eP4yPDz';

/** The fields that turn that charge into `chargeId` before its refund. */
function unrefunded(chargeId: string) {
  return {
    id: chargeId,
    amount_refunded: 0,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false },
  };
}

describe('payment handlers against Postgres', () => {
  const pg = handlersOnPostgres((db) => createPaymentActivities({ db }));

  const storedCharge = (id: string) => rowById(pg.db, charges, id);
  const storedRefund = (id: string) => rowById(pg.db, refunds, id);

  describe('applyPaymentIntentEvent', () => {
    const apply = (...args: Parameters<typeof intentEvent>) =>
      pg.activities.applyPaymentIntentEvent(intentEvent(...args));

    it('applies once, then reports the ledger outcome without touching the row', async () => {
      const created = intentEvent(
        'evt_p1',
        'payment_intent.created',
        100,
        'pi_once',
        'requires_payment_method',
      );
      await assertAppliedOnce(
        pg.db,
        (e) => pg.activities.applyPaymentIntentEvent(e),
        created,
        'applyPaymentIntentEvent',
      );
      const rows = await pg.db.select().from(paymentIntents).where(eq(paymentIntents.id, 'pi_once'));
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.customerId, null);
    });

    it('ignores an older event and records it as stale', async () => {
      await apply('evt_p2', 'payment_intent.succeeded', 200, 'pi_order', 'succeeded');
      const stale = await apply('evt_p3', 'payment_intent.processing', 190, 'pi_order', 'processing');
      assert.equal(stale.outcome, 'stale');
      assert.equal((await rowById(pg.db, paymentIntents, 'pi_order'))?.status, 'succeeded');
    });

    it('lets a same-second succeeded win over processing in either order', async () => {
      await apply('evt_p4a', 'payment_intent.succeeded', 300, 'pi_tie_1', 'succeeded');
      await apply('evt_p4z', 'payment_intent.processing', 300, 'pi_tie_1', 'processing');
      await apply('evt_p5z', 'payment_intent.processing', 300, 'pi_tie_2', 'processing');
      await apply('evt_p5a', 'payment_intent.succeeded', 300, 'pi_tie_2', 'succeeded');
      const rows = await pg.db.select().from(paymentIntents).where(eq(paymentIntents.status, 'succeeded'));
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
    const apply = (...args: Parameters<typeof chargeEvent>) =>
      pg.activities.applyChargeEvent(chargeEvent(...args));

    it('writes the refunds a 2020-era charge.refunded lists, sourced from that event', async () => {
      const result = await apply('evt_ch1', 'charge.refunded', 1000);
      assert.equal(result.outcome, 'applied');
      const charge = await storedCharge(REFUNDED_CHARGE_ID);
      assert.equal(charge?.refunded, true);
      assert.equal(charge?.amountRefunded, 2500);
      const refund = await storedRefund(EMBEDDED_REFUND_ID);
      assert.equal(refund?.chargeId, REFUNDED_CHARGE_ID);
      assert.equal(refund?.status, 'succeeded');
      assert.equal(refund?.sourceEventId, 'evt_ch1');

      const again = await apply('evt_ch1', 'charge.refunded', 1000);
      assert.equal(again.alreadyRecorded, true);
      const rows = await pg.db.select().from(refunds).where(eq(refunds.chargeId, REFUNDED_CHARGE_ID));
      assert.equal(rows.length, 1);
    });

    it('writes only the charge from a current payload, which lists no refunds', async () => {
      await pg.activities.applyChargeEvent(
        currentApiEvent('charge', 'charge.refunded', {
          id: 'evt_ch2',
          created: 1100,
          object: { id: 'ch_current', amount_refunded: 100, refunded: true, refunds: undefined },
        }),
      );
      assert.equal((await storedCharge('ch_current'))?.refunded, true);
      const rows = await pg.db.select().from(refunds).where(eq(refunds.chargeId, 'ch_current'));
      assert.equal(rows.length, 0);
    });

    it('ignores an older event and records it as stale', async () => {
      await apply('evt_ch3', 'charge.refunded', 1200, { id: 'ch_order', refunds: null });
      const stale = await apply('evt_ch4', 'charge.succeeded', 1199, unrefunded('ch_order'));
      assert.equal(stale.outcome, 'stale');
      assert.equal((await storedCharge('ch_order'))?.refunded, true);
      await assertLedgerOutcome(pg.db, 'evt_ch4', 'stale');
    });

    it('lets a same-second refunded charge win over succeeded in either order', async () => {
      // The succeeded events carry the greater event ids, so only the refund bump can make refunded win.
      await apply('evt_ch5a', 'charge.refunded', 1300, { id: 'ch_tie_1', refunds: null });
      const late = await apply('evt_ch5z', 'charge.succeeded', 1300, unrefunded('ch_tie_1'));
      assert.equal(late.outcome, 'stale');
      await apply('evt_ch6z', 'charge.succeeded', 1300, unrefunded('ch_tie_2'));
      await apply('evt_ch6a', 'charge.refunded', 1300, { id: 'ch_tie_2', refunds: null });
      assert.equal((await storedCharge('ch_tie_1'))?.refunded, true);
      assert.equal((await storedCharge('ch_tie_2'))?.refunded, true);
    });

    it('keeps a newer refund state over the copy embedded in an older charge event', async () => {
      const refundUpdated = fixtureEvent('refund_updated.json', {
        id: 'evt_ch7',
        created: 1500,
        object: { id: 're_guarded', charge: 'ch_guarded', status: 'canceled' },
      });
      await pg.activities.applyRefundEvent(refundUpdated);
      const embedded = { ...refundUpdated.data.object, status: 'pending' };
      const result = await apply('evt_ch8', 'charge.refunded', 1400, {
        id: 'ch_guarded',
        refunds: { object: 'list', data: [embedded] },
      });
      assert.equal(result.outcome, 'applied', 'the charge itself was new');
      assert.equal((await storedRefund('re_guarded'))?.status, 'canceled');
    });
  });

  describe('applyRefundEvent', () => {
    /** `type` events about refund_created.json's 2020-era refund, renamed and in a status. */
    const refundEvent = objectEvents('refund_created.json');
    const apply = (...args: Parameters<typeof refundEvent>) =>
      pg.activities.applyRefundEvent(refundEvent(...args));

    it('applies once and ignores an older event as stale', async () => {
      const updated = refundEvent('evt_r1', 'refund.updated', 2000, 're_order', 'succeeded');
      await assertAppliedOnce(pg.db, (e) => pg.activities.applyRefundEvent(e), updated, 'applyRefundEvent');
      const stale = await apply('evt_r2', 'refund.created', 1990, 're_order', 'pending');
      assert.equal(stale.outcome, 'stale');
      const stored = await storedRefund('re_order');
      assert.equal(stored?.status, 'succeeded');
      assert.equal(stored?.chargeId, 'ch_1NirD82eZvKYlo2CIvbtLWuY');
      assert.equal(stored?.paymentIntentId, 'pi_1GszsK2eZvKYlo2CfhZyoZLp');
    });

    it('lets a same-second final state win over pending in either order', async () => {
      await apply('evt_r3a', 'refund.failed', 2100, 're_tie_1', 'failed');
      await apply('evt_r3z', 'refund.created', 2100, 're_tie_1', 'pending');
      await apply('evt_r4z', 'refund.created', 2100, 're_tie_2', 'pending');
      await apply('evt_r4a', 'refund.failed', 2100, 're_tie_2', 'failed');
      assert.equal((await storedRefund('re_tie_1'))?.status, 'failed');
      assert.equal((await storedRefund('re_tie_2'))?.status, 'failed');
    });

    it('fails with a named non-retryable error on a payload that is not a refund', async () => {
      const wrong = chargeEvent('evt_r5', 'refund.updated', 2200, unrefunded('ch_wrong'));
      await assertRejectedAsInvalid(pg.db, pg.activities.applyRefundEvent(wrong), 'evt_r5');
    });
  });
});

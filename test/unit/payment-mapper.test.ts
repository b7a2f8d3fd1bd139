import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { disputeRow } from '../../activities/disputes';
import { statusRank } from '../../activities/ordering';
import {
  chargeRank,
  chargeRow,
  embeddedRefundRows,
  paymentIntentRow,
  refundRow,
} from '../../activities/payments';
import { currentApiEvent, fixtureEvent } from '../../dev/fixtures';
import { INVALID_PAYLOAD } from '../helpers/events';

describe('paymentIntentRow', () => {
  it('maps a 2020-era payment intent without a customer or invoice', () => {
    const row = paymentIntentRow(fixtureEvent('payment_intent_created.json', { id: 'evt_p1' }));
    assert.equal(row.id, 'pi_1IqxJOJDPojXS6LN9uOebAea');
    assert.equal(row.customerId, null);
    assert.equal(row.invoiceId, null);
    assert.equal(row.status, 'requires_payment_method');
    assert.equal(row.amount, 1000);
    assert.equal(row.amountReceived, 0);
    assert.equal(row.lastPaymentErrorCode, null);
  });

  it('reads the invoice when present and the last payment error code', () => {
    const row = paymentIntentRow(
      currentApiEvent('payment_intent', 'payment_intent.payment_failed', {
        id: 'evt_p2',
        object: {
          customer: 'cus_1',
          invoice: 'in_1',
          last_payment_error: { type: 'card_error', code: 'card_declined' },
        },
      }),
    );
    assert.equal(row.customerId, 'cus_1');
    assert.equal(row.invoiceId, 'in_1');
    assert.equal(row.lastPaymentErrorCode, 'card_declined');
    assert.equal(row.amount, 1099);
  });

  it('ranks succeeded above processing', () => {
    const processing = paymentIntentRow(
      fixtureEvent('payment_intent_processing.json', { id: 'evt_p3', object: { status: 'processing' } }),
    );
    const succeeded = paymentIntentRow(
      fixtureEvent('payment_intent_succeeded.json', { id: 'evt_p4', object: { status: 'succeeded' } }),
    );
    assert.ok(succeeded.sourceEventRank > processing.sourceEventRank);
  });
});

describe('chargeRow', () => {
  it('maps a 2020-era charge.succeeded', () => {
    const row = chargeRow(fixtureEvent('charge_succeeded.json', { id: 'evt_ch1' }));
    assert.equal(row.id, 'ch_3KtQThJDPojXS6LN0YmgbxGj');
    assert.equal(row.customerId, 'cus_J7Mkgr8mvbl1eK');
    assert.equal(row.paymentIntentId, 'pi_3KtQThJDPojXS6LN0H9EfsjV');
    assert.equal(row.invoiceId, 'in_1KJdKkJDPojXS6LNSwSWkZSN');
    assert.equal(row.status, 'succeeded');
    assert.equal(row.amountCaptured, 3000);
    assert.equal(row.refunded, false);
  });

  it('keeps the failure code of a failed charge', () => {
    const row = chargeRow(fixtureEvent('charge_failed.json', { id: 'evt_ch2' }));
    assert.equal(row.status, 'failed');
    assert.equal(row.failureCode, 'card_declined');
  });

  it('ranks each step of a charge above the last: authorised, captured, partly refunded, fully refunded', () => {
    const ranks = [
      chargeRank('pending', false, 0, false),
      chargeRank('succeeded', false, 0, false),
      chargeRank('succeeded', true, 0, false),
      chargeRank('succeeded', true, 500, false),
      chargeRank('succeeded', true, 2500, true),
    ];
    assert.deepEqual(
      [...ranks].sort((a, b) => a - b),
      ranks,
    );
    assert.equal(new Set(ranks).size, ranks.length);
    // A released authorisation (refunded in full, never captured) still beats the authorisation.
    assert.ok(chargeRank('succeeded', false, 2500, true) > chargeRank('succeeded', false, 0, false));
  });

  it('ranks the 2020 charge.refunded above a same-second charge.succeeded of the same charge', () => {
    const refunded = chargeRow(fixtureEvent('charge_refunded.json', { id: 'evt_ch3' }));
    const succeeded = chargeRow(
      fixtureEvent('charge_refunded.json', {
        id: 'evt_ch4',
        object: {
          amount_refunded: 0,
          refunded: false,
          refunds: undefined,
        },
      }),
    );
    assert.equal(refunded.refunded, true);
    assert.equal(refunded.amountRefunded, 2500);
    assert.ok(refunded.sourceEventRank > succeeded.sourceEventRank);
  });

  it('treats a charge refunded up to its amount as fully refunded even without the flag', () => {
    const row = chargeRow(
      currentApiEvent('charge', 'charge.refunded', { id: 'evt_ch5', object: { amount_refunded: 100 } }),
    );
    assert.equal(row.refunded, true);
    assert.equal(row.sourceEventRank, chargeRank('succeeded', false, 100, true));
  });

  it('rejects a charge without a status', () => {
    assert.throws(
      () => chargeRow(fixtureEvent('charge_succeeded.json', { id: 'evt_ch6', object: { status: null } })),
      INVALID_PAYLOAD,
    );
  });
});

describe('embeddedRefundRows', () => {
  it('maps the refunds listed in a 2020-era charge.refunded, sourced from that event', () => {
    const rows = embeddedRefundRows(fixtureEvent('charge_refunded.json', { id: 'evt_r1' }));
    assert.equal(rows.length, 1);
    const [refund] = rows;
    assert.equal(refund?.id, 're_3Kl36gJDPojXS6LN0eP4yPDz');
    assert.equal(refund?.chargeId, 'ch_3Kl36gJDPojXS6LN0DCM4A8l');
    assert.equal(refund?.paymentIntentId, 'pi_3Kl36gJDPojXS6LN02fQVtKR');
    assert.equal(refund?.status, 'succeeded');
    assert.equal(refund?.amount, 2500);
    assert.equal(refund?.sourceEventId, 'evt_r1');
    assert.equal(refund?.sourceEventCreated, 1619701111);
  });

  it('falls back to the charge for references an embedded refund leaves out', () => {
    const [refund] = embeddedRefundRows(
      fixtureEvent('charge_refunded.json', {
        id: 'evt_r2',
        object: {
          refunds: {
            object: 'list',
            data: [{ id: 're_x', object: 'refund', status: 'pending', amount: 5, currency: 'usd' }],
          },
        },
      }),
    );
    assert.equal(refund?.chargeId, 'ch_3Kl36gJDPojXS6LN0DCM4A8l');
    assert.equal(refund?.paymentIntentId, 'pi_3Kl36gJDPojXS6LN02fQVtKR');
  });

  it('finds none in current payloads, which omit or empty the list', () => {
    assert.deepEqual(embeddedRefundRows(currentApiEvent('charge', 'charge.refunded', { id: 'evt_r3' })), []);
    assert.deepEqual(
      embeddedRefundRows(
        currentApiEvent('charge', 'charge.refunded', { id: 'evt_r4', object: { refunds: undefined } }),
      ),
      [],
    );
  });
});

describe('refundRow', () => {
  it('maps a 2020-era refund event', () => {
    const row = refundRow(fixtureEvent('refund_created.json', { id: 'evt_r5' }));
    assert.equal(row.id, 're_1Nispe2eZvKYlo2Cd31jOCgZ');
    assert.equal(row.chargeId, 'ch_1NirD82eZvKYlo2CIvbtLWuY');
    assert.equal(row.paymentIntentId, 'pi_1GszsK2eZvKYlo2CfhZyoZLp');
    assert.equal(row.status, 'succeeded');
    assert.equal(row.amount, 1000);
  });

  it('maps a current refund and accepts an expanded charge', () => {
    const row = refundRow(
      currentApiEvent('refund', 'refund.updated', {
        id: 'evt_r6',
        object: { charge: { id: 'ch_expanded', object: 'charge' } },
      }),
    );
    assert.equal(row.id, 're_1Pgc72B7WZ01zgkWqPvrRrPE');
    assert.equal(row.chargeId, 'ch_expanded');
    assert.equal(row.paymentIntentId, null);
    assert.equal(row.sourceEventRank, statusRank('refund', 'succeeded'));
  });
});

describe('disputeRow', () => {
  it('maps a 2020-era dispute event', () => {
    const row = disputeRow(fixtureEvent('charge_dispute_created.json', { id: 'evt_d1' }));
    assert.equal(row.id, 'dp_1MLuxQJDPojXS6LNrukJCBBG');
    assert.equal(row.chargeId, 'ch_1IqtGAJDPojXS6LNstgEfUji');
    assert.equal(row.paymentIntentId, 'pi_1IqtG9JDPojXS6LNOGnYrIqq');
    assert.equal(row.status, 'warning_needs_response');
    assert.equal(row.reason, 'general');
    assert.equal(row.amount, 1000);
  });

  it('ranks a closed dispute above one still needing a response', () => {
    const open = disputeRow(currentApiEvent('dispute', 'charge.dispute.created', { id: 'evt_d2' }));
    const lost = disputeRow(
      currentApiEvent('dispute', 'charge.dispute.closed', { id: 'evt_d3', object: { status: 'lost' } }),
    );
    assert.ok(lost.sourceEventRank > open.sourceEventRank);
  });

  it('rejects an event that does not carry a dispute', () => {
    assert.throws(() => disputeRow(fixtureEvent('charge_succeeded.json', { id: 'evt_d4' })), INVALID_PAYLOAD);
  });
});

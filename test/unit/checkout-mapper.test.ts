import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkoutRank, checkoutSessionRow } from '../../activities/checkout';
import { currentApiEvent, fixtureEvent } from '../../dev/fixtures';
import { INVALID_PAYLOAD } from '../helpers/events';

const NOW = new Date('2025-06-01T12:00:00Z');

describe('checkout session mapper', () => {
  it('maps a paid completion and fulfils it now', () => {
    const row = checkoutSessionRow(fixtureEvent('checkout_session_completed.json'), NOW, null);
    assert.equal(row.id, 'cs_live_9RBjcHiy2i5p99Tf1MYM90c3SHK1grU0E6Ae6pKWR2KPA4ZiuKiB2X1Y3X');
    assert.equal(row.customerId, 'cus_IhGfebO16cMIGN');
    assert.equal(row.paymentIntentId, 'pi_1IqxJOJDPojXS6LN9uOebAea');
    assert.equal(row.mode, 'payment');
    assert.equal(row.status, 'complete');
    assert.equal(row.paymentStatus, 'paid');
    assert.equal(row.amountTotal, 999);
    assert.equal(row.currency, 'eur');
    assert.equal(row.livemode, true);
    assert.deepEqual(row.fulfilledAt, NOW);
  });

  it('maps the current shape: a guest session without customer, not fulfilled while unpaid', () => {
    const row = checkoutSessionRow(
      currentApiEvent('checkout.session', 'checkout.session.expired'),
      NOW,
      null,
    );
    assert.equal(row.customerId, null);
    assert.equal(row.amountTotal, null);
    assert.equal(row.paymentStatus, 'unpaid');
    assert.equal(row.fulfilledAt, null);
  });

  it('fulfils a session that needs no payment, reads an expanded customer', () => {
    const event = currentApiEvent('checkout.session', 'checkout.session.completed', {
      object: {
        status: 'complete',
        payment_status: 'no_payment_required',
        customer: { id: 'cus_expanded', object: 'customer' },
      },
    });
    const row = checkoutSessionRow(event, NOW, null);
    assert.equal(row.customerId, 'cus_expanded');
    assert.deepEqual(row.fulfilledAt, NOW);
  });

  it('keeps the first fulfilment time, whatever the payload says', () => {
    const first = new Date('2025-01-01T00:00:00Z');
    assert.deepEqual(
      checkoutSessionRow(fixtureEvent('checkout_session_completed.json'), NOW, first).fulfilledAt,
      first,
    );
    const unpaid = currentApiEvent('checkout.session', 'checkout.session.completed', {
      object: { status: 'complete' },
    });
    assert.deepEqual(checkoutSessionRow(unpaid, NOW, first).fulfilledAt, first);
  });

  it('ranks paid over a failed async payment over an unpaid completion over an open session', () => {
    const completed = 'checkout.session.completed';
    const open = checkoutRank(completed, 'open', 'unpaid');
    const unpaid = checkoutRank(completed, 'complete', 'unpaid');
    const failed = checkoutRank('checkout.session.async_payment_failed', 'complete', 'unpaid');
    const paid = checkoutRank('checkout.session.async_payment_succeeded', 'complete', 'paid');
    assert.ok(open < unpaid && unpaid < failed && failed < paid, `${open} ${unpaid} ${failed} ${paid}`);
    assert.equal(checkoutRank('checkout.session.expired', 'expired', 'unpaid'), unpaid);
  });

  it('rejects a session without payment_status, or a payload of another kind', () => {
    const incomplete = fixtureEvent('checkout_session_completed.json');
    delete incomplete.data.object.payment_status;
    assert.throws(() => checkoutSessionRow(incomplete, NOW, null), INVALID_PAYLOAD);
    const other = fixtureEvent('checkout_session_completed.json');
    other.data.object = { id: 'pi_1', object: 'payment_intent' };
    assert.throws(() => checkoutSessionRow(other, NOW, null), INVALID_PAYLOAD);
  });
});

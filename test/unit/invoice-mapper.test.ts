import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invoiceRow } from '../../activities/invoices';
import { statusRank } from '../../activities/ordering';
import { currentApiEvent, fixtureEvent } from '../../dev/fixtures';
import { INVALID_PAYLOAD } from '../helpers/events';

describe('invoiceRow', () => {
  it('maps a 2020-era invoice.paid, subscription read from invoice.subscription', () => {
    const row = invoiceRow(fixtureEvent('invoice_paid.json', { id: 'evt_i1' }));
    assert.equal(row.id, 'in_1KJqKBJDPojXS6LNJbvLUgEy');
    assert.equal(row.customerId, 'cus_JsuO3bmrj0QlAw');
    assert.equal(row.subscriptionId, 'sub_JsuPyCPhXWfZar');
    assert.equal(row.status, 'paid');
    assert.equal(row.number, '60229DE7-0007');
    assert.equal(row.currency, 'usd');
    assert.deepEqual(row.paidAt, new Date(1642649110 * 1000));
    assert.equal(row.sourceEventId, 'evt_i1');
    assert.equal(row.sourceEventCreated, 1642649111);
    assert.equal(row.sourceEventRank, statusRank('invoice', 'paid'));
  });

  it('reads the subscription from invoice.parent since API 2025-03-31.basil', () => {
    const row = invoiceRow(
      currentApiEvent('invoice', 'invoice.finalized', { id: 'evt_i2', object: { status: 'open' } }),
    );
    assert.equal(row.id, 'in_1Pgc6tB7WZ01zgkWu9fdqL6I');
    assert.equal(row.subscriptionId, 'subscription');
    assert.equal(row.amountDue, 1000);
    assert.equal(row.amountRemaining, 1000);
    assert.deepEqual(row.nextPaymentAttempt, new Date(1234567890 * 1000));
    assert.equal(row.paidAt, null);
  });

  it('leaves the subscription empty for an invoice outside any subscription', () => {
    assert.equal(
      invoiceRow(currentApiEvent('invoice', 'invoice.created', { id: 'evt_i3', object: { parent: null } }))
        .subscriptionId,
      null,
    );
    assert.equal(invoiceRow(fixtureEvent('invoice_deleted.json', { id: 'evt_i4' })).subscriptionId, null);
  });

  it('accepts expanded references', () => {
    const row = invoiceRow(
      fixtureEvent('invoice_paid.json', {
        id: 'evt_i5',
        object: {
          customer: { id: 'cus_expanded', object: 'customer' },
          subscription: { id: 'sub_expanded', object: 'subscription' },
        },
      }),
    );
    assert.equal(row.customerId, 'cus_expanded');
    assert.equal(row.subscriptionId, 'sub_expanded');
  });

  it('records invoice.deleted as deleted, a final state, whatever the payload says', () => {
    const row = invoiceRow(
      fixtureEvent('invoice_deleted.json', { id: 'evt_i6', object: { status: 'draft' } }),
    );
    assert.equal(row.status, 'deleted');
    assert.equal(row.sourceEventRank, statusRank('invoice', 'deleted'));
  });

  it('ranks paid above open, so a same-second tie resolves to paid', () => {
    const paid = invoiceRow(fixtureEvent('invoice_paid.json', { id: 'evt_i7' }));
    const open = invoiceRow(fixtureEvent('invoice_paid.json', { id: 'evt_i8', object: { status: 'open' } }));
    assert.ok(paid.sourceEventRank > open.sourceEventRank);
  });

  it('rejects an invoice without a customer as a non-retryable invalid payload', () => {
    assert.throws(
      () => invoiceRow(fixtureEvent('invoice_paid.json', { id: 'evt_i9', object: { customer: null } })),
      INVALID_PAYLOAD,
    );
  });

  it('rejects an invoice without a status or a currency', () => {
    assert.throws(
      () => invoiceRow(fixtureEvent('invoice_paid.json', { id: 'evt_i10', object: { status: null } })),
      INVALID_PAYLOAD,
    );
    assert.throws(
      () => invoiceRow(fixtureEvent('invoice_paid.json', { id: 'evt_i11', object: { currency: undefined } })),
      INVALID_PAYLOAD,
    );
  });

  it('rejects an event that does not carry an invoice', () => {
    const event = fixtureEvent('invoice_paid.json', { id: 'evt_i12' });
    event.data.object = { id: 'ch_1', object: 'charge' };
    assert.throws(() => invoiceRow(event), INVALID_PAYLOAD);
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { invoiceRow } from '../../activities/invoices';
import { statusRank } from '../../activities/ordering';
import type { StripeEvent, StripeObject } from '../../common/stripe-event';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as T;
}

/** A vendored 2020-era event with its own id: fixture ids repeat across files. */
function legacyEvent(file: string, id: string, object: Record<string, unknown> = {}): StripeEvent {
  const event = readJson<StripeEvent>(`stripe-events/${file}`);
  return { ...event, id, data: { object: { ...event.data.object, ...object } } };
}

/** The current-API invoice from stripe-mock's fixtures, wrapped in an event. */
function currentEvent(type: string, id: string, object: Record<string, unknown> = {}): StripeEvent {
  const invoice = readJson<{ resources: Record<string, StripeObject> }>('stripe-openapi-fixtures3.json')
    .resources.invoice as StripeObject;
  return {
    id,
    object: 'event',
    type,
    created: 1_750_000_000,
    livemode: false,
    api_version: '2025-03-31.basil',
    data: { object: { ...invoice, ...object } },
  };
}

describe('invoiceRow', () => {
  it('maps a 2020-era invoice.paid, subscription read from invoice.subscription', () => {
    const row = invoiceRow(legacyEvent('invoice_paid.json', 'evt_i1'));
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
    const row = invoiceRow(currentEvent('invoice.finalized', 'evt_i2', { status: 'open' }));
    assert.equal(row.id, 'in_1Pgc6tB7WZ01zgkWu9fdqL6I');
    assert.equal(row.subscriptionId, 'subscription');
    assert.equal(row.amountDue, 1000);
    assert.equal(row.amountRemaining, 1000);
    assert.deepEqual(row.nextPaymentAttempt, new Date(1234567890 * 1000));
    assert.equal(row.paidAt, null);
  });

  it('leaves the subscription empty for an invoice outside any subscription', () => {
    assert.equal(
      invoiceRow(currentEvent('invoice.created', 'evt_i3', { parent: null })).subscriptionId,
      null,
    );
    assert.equal(invoiceRow(legacyEvent('invoice_deleted.json', 'evt_i4')).subscriptionId, null);
  });

  it('accepts expanded references', () => {
    const row = invoiceRow(
      legacyEvent('invoice_paid.json', 'evt_i5', {
        customer: { id: 'cus_expanded', object: 'customer' },
        subscription: { id: 'sub_expanded', object: 'subscription' },
      }),
    );
    assert.equal(row.customerId, 'cus_expanded');
    assert.equal(row.subscriptionId, 'sub_expanded');
  });

  it('records invoice.deleted as deleted, a final state, whatever the payload says', () => {
    const row = invoiceRow(legacyEvent('invoice_deleted.json', 'evt_i6', { status: 'draft' }));
    assert.equal(row.status, 'deleted');
    assert.equal(row.sourceEventRank, statusRank('invoice', 'deleted'));
  });

  it('ranks paid above open, so a same-second tie resolves to paid', () => {
    const paid = invoiceRow(legacyEvent('invoice_paid.json', 'evt_i7'));
    const open = invoiceRow(legacyEvent('invoice_paid.json', 'evt_i8', { status: 'open' }));
    assert.ok(paid.sourceEventRank > open.sourceEventRank);
  });

  it('rejects an invoice without a customer as a non-retryable invalid payload', () => {
    assert.throws(() => invoiceRow(legacyEvent('invoice_paid.json', 'evt_i9', { customer: null })), {
      type: 'InvalidStripePayload',
      nonRetryable: true,
    });
  });

  it('rejects an invoice without a status or a currency', () => {
    const invalid = { type: 'InvalidStripePayload', nonRetryable: true };
    assert.throws(() => invoiceRow(legacyEvent('invoice_paid.json', 'evt_i10', { status: null })), invalid);
    assert.throws(
      () => invoiceRow(legacyEvent('invoice_paid.json', 'evt_i11', { currency: undefined })),
      invalid,
    );
  });

  it('rejects an event that does not carry an invoice', () => {
    const event = legacyEvent('invoice_paid.json', 'evt_i12');
    event.data.object = { id: 'ch_1', object: 'charge' };
    assert.throws(() => invoiceRow(event), { type: 'InvalidStripePayload' });
  });
});

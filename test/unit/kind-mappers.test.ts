import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  creditNoteRow,
  invoicePaymentRow,
  subscriptionScheduleRow,
  taxIdRow,
} from '../../activities/kinds/billing';
import { entitlementSummaryRows } from '../../activities/kinds/entitlements';
import { earlyFraudWarningRow, reviewRow } from '../../activities/kinds/radar';
import { paymentMethodRow, setupIntentRow } from '../../activities/kinds/wallet';
import { statusRank } from '../../activities/ordering';
import { currentApiEvent, fixtureEvent } from '../../dev/fixtures';
import { INVALID_PAYLOAD } from '../helpers/events';

describe('payment, billing, entitlement and radar mappers, on real payloads and current API shapes', () => {
  it('keeps only brand, last 4 and expiry of a card, and ranks a detach final', () => {
    const row = paymentMethodRow(fixtureEvent('payment_method_attached.json', { id: 'evt_pm1' }));
    assert.deepEqual(
      [row.customerId, row.type, row.status, row.cardBrand, row.cardLast4, row.cardExpMonth, row.cardExpYear],
      ['cus_N4vaPItLFHBqRE', 'card', 'attached', 'visa', '4242', 4, 2024],
    );
    assert.ok(!Object.keys(row).some((key) => /billing|email|name|address/i.test(key)), 'no billing details');
    const detached = paymentMethodRow(fixtureEvent('payment_method_detached.json'));
    assert.deepEqual([detached.customerId, detached.status], [null, 'detached']);
    assert.ok(detached.sourceEventRank > row.sourceEventRank);
    const current = paymentMethodRow(currentApiEvent('payment_method', 'payment_method.updated'));
    assert.deepEqual([current.status, current.cardExpYear], ['unattached', 2030]);
  });

  it('ranks a failed setup attempt above the attempt, and reads its error code', () => {
    const failed = setupIntentRow(fixtureEvent('setup_intent_setup_failed.json'));
    assert.deepEqual(
      [failed.status, failed.lastSetupErrorCode],
      ['requires_payment_method', 'card_declined'],
    );
    assert.equal(failed.sourceEventRank, statusRank('setup_intent', 'setup_failed'));
    const succeeded = setupIntentRow(fixtureEvent('setup_intent_succeeded.json'));
    assert.deepEqual(
      [succeeded.paymentMethodId, succeeded.status],
      ['pm_1MJEWOJDPojXS6LNUELZ8Byt', 'succeeded'],
    );
    assert.equal(setupIntentRow(fixtureEvent('setup_intent_canceled.json')).cancellationReason, 'abandoned');
  });

  it('maps a subscription schedule, its current phase from the current shape', () => {
    const old = subscriptionScheduleRow(fixtureEvent('subscription_schedule_released.json'));
    assert.deepEqual(
      [old.customerId, old.status, old.releasedSubscriptionId, old.releasedAt],
      ['cus_J2KKjtkuVwFRoZ', 'released', 'sub_1N1sg4JDPojXS6LNGfq3slwm', new Date(1685592000 * 1000)],
    );
    const current = subscriptionScheduleRow(
      currentApiEvent('subscription_schedule', 'subscription_schedule.updated', {
        object: { status: 'active' },
      }),
    );
    assert.deepEqual(current.currentPhaseEnd, new Date(1725067410 * 1000));
  });

  it('maps a credit note and an invoice payment', () => {
    const note = creditNoteRow(fixtureEvent('credit_note_created.json'));
    assert.deepEqual(
      [note.invoiceId, note.status, note.type, note.amount, note.currency],
      ['in_1MxvRkLkdIwHu7ixABNtI99m', 'issued', 'pre_payment', 1099, 'usd'],
    );
    assert.equal(creditNoteRow(fixtureEvent('credit_note.voided')).status, 'void');
    const payment = invoicePaymentRow(fixtureEvent('invoice_payment_paid.json'));
    assert.deepEqual(
      [payment.invoiceId, payment.status, payment.amountPaid, payment.paymentType, payment.paymentIntentId],
      ['in_103Q0w2eZvKYlo2C5PYwf6Wf', 'paid', 2000, 'payment_intent', 'pi_103Q0w2eZvKYlo2C364X582Z'],
    );
    assert.deepEqual(payment.paidAt, new Date(1391288554 * 1000));
    const unlinked = currentApiEvent('invoice_payment', 'invoice_payment.paid', {
      object: { invoice: null },
    });
    assert.throws(() => invoicePaymentRow(unlinked), INVALID_PAYLOAD);
  });

  it('reads a tax id’s customer from `customer` or `owner`, and never its number', () => {
    const own = taxIdRow(fixtureEvent('customer_tax_id_created.json'));
    assert.deepEqual([own.customerId, own.type, own.country, own.deleted], [null, 'eu_vat', 'DE', false]);
    assert.ok(!('value' in own));
    const current = taxIdRow(
      currentApiEvent('tax_id', 'customer.tax_id.updated', { object: { customer: undefined } }),
    );
    assert.deepEqual([current.customerId, current.verificationStatus], ['cus_QXg1o8vcGmoR32', 'pending']);
    assert.equal(taxIdRow(fixtureEvent('customer_tax_id_deleted.json')).deleted, true);
  });

  it('maps an entitlement summary: keyed by customer, features by lookup key', () => {
    const rows = entitlementSummaryRows(
      fixtureEvent('active_entitlement_summary_updated.json', { id: 'evt_en1' }),
    );
    assert.equal(rows.summary.id, 'cus_Sll319ReSxCmEi');
    assert.deepEqual(rows.entitlements, [
      {
        id: 'ent_test_61SzbY9Pui5KGP3yf41BRSrwpzKxHTFY',
        account: null,
        customerId: 'cus_Sll319ReSxCmEi',
        featureId: 'feat_test_61SzbVaDzF2GIc5ng41BRSrwpzKxHABs',
        lookupKey: 'journeys',
        livemode: false,
      },
    ]);
    assert.equal(rows.features[0]?.name, undefined, 'an unexpanded feature leaves its name alone');
    const expanded = entitlementSummaryRows(
      currentApiEvent(
        'entitlements.active_entitlement_summary',
        'entitlements.active_entitlement_summary.updated',
      ),
    );
    assert.deepEqual([expanded.features[0]?.name, expanded.features[0]?.active], ['name', true]);
  });

  it('maps early fraud warnings and reviews; review.closed means closed', () => {
    const warning = earlyFraudWarningRow(fixtureEvent('early_fraud_warning_created.json'));
    assert.deepEqual([warning.chargeId, warning.fraudType, warning.actionable], ['ch_1234', 'misc', true]);
    const spent = earlyFraudWarningRow(fixtureEvent('radar.early_fraud_warning.updated'));
    assert.ok(spent.sourceEventRank > warning.sourceEventRank, 'no longer actionable outranks actionable');
    const opened = reviewRow(fixtureEvent('review_opened.json'));
    assert.deepEqual([opened.status, opened.paymentIntentId], ['open', 'pi_3NVy8c2eZvKYlo2C055h7pkd']);
    // The vendored review.closed still says open: true; its type decides.
    assert.equal(reviewRow(fixtureEvent('review_closed.json')).status, 'closed');
  });
});

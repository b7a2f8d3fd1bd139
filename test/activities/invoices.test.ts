import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createInvoiceActivities } from '../../activities/invoices';
import { invoices } from '../../db/schema';
import { currentApiEvent } from '../../dev/fixtures';
import {
  assertAppliedOnce,
  assertLedgerOutcome,
  assertRejectedAsInvalid,
  fixtureEventAs,
  notificationsFor,
  handlersOnPostgres,
  rowById,
} from '../helpers/events';

/** A `type` event about invoice_paid.json's 2020-era invoice (invoice.subscription), paid unless `object` says. */
function invoiceEvent(
  id: string,
  type: string,
  created: number,
  invoiceId: string,
  object: Record<string, unknown> = {},
) {
  return fixtureEventAs(type, 'invoice_paid.json', { id, created, object: { id: invoiceId, ...object } });
}

describe('applyInvoiceEvent against Postgres', () => {
  const pg = handlersOnPostgres((db) => createInvoiceActivities({ db }));

  const storedInvoice = (id: string) => rowById(pg.db, invoices, id);
  const apply = (...args: Parameters<typeof invoiceEvent>) =>
    pg.activities.applyInvoiceEvent(invoiceEvent(...args));
  const queued = (invoiceId: string) => notificationsFor(pg.db, invoiceId);

  it('reads the subscription id from both API shapes', async () => {
    await apply('evt_i1', 'invoice.paid', 100, 'in_old');
    // The current-API invoice (invoice.parent.subscription_details).
    await pg.activities.applyInvoiceEvent(
      currentApiEvent('invoice', 'invoice.finalized', {
        id: 'evt_i2',
        created: 100,
        object: { id: 'in_new', status: 'open' },
      }),
    );
    const old = await storedInvoice('in_old');
    assert.equal(old?.subscriptionId, 'sub_JsuPyCPhXWfZar');
    assert.equal(old?.status, 'paid');
    assert.deepEqual(old?.paidAt, new Date(1642649110 * 1000));
    const current = await storedInvoice('in_new');
    assert.equal(current?.subscriptionId, 'subscription');
    assert.equal(current?.customerId, 'cus_QXg1o8vcGmoR32');
    assert.equal(current?.status, 'open');
  });

  it('applies a payment failure once: one row, one notification, then reports the ledger outcome', async () => {
    const event = invoiceEvent('evt_i3', 'invoice.payment_failed', 200, 'in_fail', {
      status: 'open',
      attempt_count: 1,
    });
    await assertAppliedOnce(pg.db, (e) => pg.activities.applyInvoiceEvent(e), event, 'applyInvoiceEvent');
    assert.equal((await storedInvoice('in_fail'))?.attemptCount, 1);
    assert.deepEqual(
      (await queued('in_fail')).map((n) => [n.eventId, n.kind, n.customerId]),
      [['evt_i3', 'payment_failed', 'cus_JsuO3bmrj0QlAw']],
    );
  });

  it('ignores an older event and records it as stale', async () => {
    await apply('evt_i4', 'invoice.paid', 300, 'in_order');
    const stale = await apply('evt_i5', 'invoice.finalized', 250, 'in_order', {
      status: 'open',
      amount_paid: 0,
    });
    assert.equal(stale.outcome, 'stale');
    assert.equal((await storedInvoice('in_order'))?.status, 'paid');
    await assertLedgerOutcome(pg.db, 'evt_i5', 'stale');
  });

  it('lets a same-second paid win over open in either order', async () => {
    // The open events carry the greater event ids, so only the status rank can make paid win.
    await apply('evt_i6a', 'invoice.paid', 400, 'in_tie_1');
    const late = await apply('evt_i6z', 'invoice.updated', 400, 'in_tie_1', { status: 'open' });
    assert.equal(late.outcome, 'stale');

    await apply('evt_i7z', 'invoice.updated', 400, 'in_tie_2', { status: 'open' });
    const paid = await apply('evt_i7a', 'invoice.payment_succeeded', 400, 'in_tie_2');
    assert.equal(paid.outcome, 'applied');

    assert.equal((await storedInvoice('in_tie_1'))?.status, 'paid');
    assert.equal((await storedInvoice('in_tie_2'))?.status, 'paid');
  });

  it('sends no notification for a payment failure that arrives after the invoice was paid', async () => {
    await apply('evt_i8', 'invoice.paid', 500, 'in_late');
    const late = await apply('evt_i9', 'invoice.payment_failed', 490, 'in_late', { status: 'open' });
    assert.equal(late.outcome, 'stale');
    assert.deepEqual(await queued('in_late'), []);
    assert.equal((await storedInvoice('in_late'))?.status, 'paid');
  });

  it('still notifies a failure older than the stored state while the invoice stays unpaid', async () => {
    await apply('evt_i10', 'invoice.updated', 600, 'in_unpaid', { status: 'open' });
    const failure = await apply('evt_i11', 'invoice.payment_action_required', 590, 'in_unpaid', {
      status: 'open',
    });
    assert.equal(failure.outcome, 'applied');
    assert.equal(
      (await storedInvoice('in_unpaid'))?.sourceEventId,
      'evt_i10',
      'the older event did not overwrite the row',
    );
    assert.deepEqual(
      (await queued('in_unpaid')).map((n) => [n.eventId, n.kind]),
      [['evt_i11', 'payment_action_required']],
    );
  });

  it('records invoice.deleted as a final state', async () => {
    await apply('evt_i12', 'invoice.created', 700, 'in_gone', { status: 'draft' });
    await apply('evt_i13', 'invoice.deleted', 700, 'in_gone', { status: 'draft' });
    assert.equal((await storedInvoice('in_gone'))?.status, 'deleted');
  });

  it('fails with a named non-retryable error on an invoice without a customer', async () => {
    const event = invoiceEvent('evt_i14', 'invoice.payment_failed', 800, 'in_orphan', { customer: null });
    await assertRejectedAsInvalid(pg.db, pg.activities.applyInvoiceEvent(event), 'evt_i14');
    assert.equal(await storedInvoice('in_orphan'), undefined);
    assert.deepEqual(await queued('in_orphan'), []);
  });
});

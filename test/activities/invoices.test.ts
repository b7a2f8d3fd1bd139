import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { createInvoiceActivities } from '../../activities/invoices';
import type { StripeEvent, StripeObject } from '../../common/stripe-event';
import { invoices, notifications, stripeEvents } from '../../db/schema';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const LEGACY_INVOICE = (
  JSON.parse(readFileSync(path.join(FIXTURES, 'stripe-events', 'invoice_paid.json'), 'utf8')) as StripeEvent
).data.object;
const CURRENT_INVOICE = (
  JSON.parse(readFileSync(path.join(FIXTURES, 'stripe-openapi-fixtures3.json'), 'utf8')) as {
    resources: Record<string, StripeObject>;
  }
).resources.invoice as StripeObject;

/** A 2020-era invoice event (invoice.subscription), with its own event id: fixture ids repeat. */
function invoiceEvent(
  id: string,
  type: string,
  created: number,
  invoiceId: string,
  object: Record<string, unknown> = {},
): StripeEvent {
  return {
    id,
    object: 'event',
    type,
    created,
    livemode: false,
    api_version: '2020-03-02',
    data: { object: { ...LEGACY_INVOICE, id: invoiceId, ...object } },
  };
}

/** A current-API invoice event (invoice.parent.subscription_details). */
function currentInvoiceEvent(id: string, type: string, created: number, invoiceId: string): StripeEvent {
  return {
    id,
    object: 'event',
    type,
    created,
    livemode: false,
    api_version: '2025-03-31.basil',
    data: { object: { ...CURRENT_INVOICE, id: invoiceId, status: 'open' } },
  };
}

describe('applyInvoiceEvent against Postgres', () => {
  let database: TestDatabase;
  let activities: ReturnType<typeof createInvoiceActivities>;
  before(async () => {
    database = await createTestDatabase();
    activities = createInvoiceActivities({ db: database.db });
  });
  after(async () => database.drop());

  async function storedInvoice(id: string) {
    const [row] = await database.db.select().from(invoices).where(eq(invoices.id, id));
    return row;
  }

  async function notificationsFor(invoiceId: string) {
    return database.db.select().from(notifications).where(eq(notifications.objectId, invoiceId));
  }

  it('reads the subscription id from both API shapes', async () => {
    await activities.applyInvoiceEvent(invoiceEvent('evt_i1', 'invoice.paid', 100, 'in_old'));
    await activities.applyInvoiceEvent(currentInvoiceEvent('evt_i2', 'invoice.finalized', 100, 'in_new'));
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
    const first = await activities.applyInvoiceEvent(event);
    assert.deepEqual(first, {
      eventId: 'evt_i3',
      handler: 'applyInvoiceEvent',
      outcome: 'applied',
      alreadyRecorded: false,
    });
    const again = await activities.applyInvoiceEvent(event);
    assert.equal(again.alreadyRecorded, true);
    assert.equal(again.outcome, 'applied');
    assert.equal((await storedInvoice('in_fail'))?.attemptCount, 1);
    const queued = await notificationsFor('in_fail');
    assert.equal(queued.length, 1);
    assert.equal(queued[0]?.kind, 'payment_failed');
    assert.equal(queued[0]?.customerId, 'cus_JsuO3bmrj0QlAw');
    const ledger = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, 'evt_i3'));
    assert.equal(ledger.length, 1);
  });

  it('ignores an older event and records it as stale', async () => {
    await activities.applyInvoiceEvent(invoiceEvent('evt_i4', 'invoice.paid', 300, 'in_order'));
    const stale = await activities.applyInvoiceEvent(
      invoiceEvent('evt_i5', 'invoice.finalized', 250, 'in_order', { status: 'open', amount_paid: 0 }),
    );
    assert.equal(stale.outcome, 'stale');
    assert.equal((await storedInvoice('in_order'))?.status, 'paid');
    const [ledger] = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, 'evt_i5'));
    assert.equal(ledger?.outcome, 'stale');
  });

  it('lets a same-second paid win over open in either order', async () => {
    // The open events carry the greater event ids, so only the status rank can make paid win.
    await activities.applyInvoiceEvent(invoiceEvent('evt_i6a', 'invoice.paid', 400, 'in_tie_1'));
    const late = await activities.applyInvoiceEvent(
      invoiceEvent('evt_i6z', 'invoice.updated', 400, 'in_tie_1', { status: 'open' }),
    );
    assert.equal(late.outcome, 'stale');

    await activities.applyInvoiceEvent(
      invoiceEvent('evt_i7z', 'invoice.updated', 400, 'in_tie_2', { status: 'open' }),
    );
    const paid = await activities.applyInvoiceEvent(
      invoiceEvent('evt_i7a', 'invoice.payment_succeeded', 400, 'in_tie_2'),
    );
    assert.equal(paid.outcome, 'applied');

    assert.equal((await storedInvoice('in_tie_1'))?.status, 'paid');
    assert.equal((await storedInvoice('in_tie_2'))?.status, 'paid');
  });

  it('sends no notification for a payment failure that arrives after the invoice was paid', async () => {
    await activities.applyInvoiceEvent(invoiceEvent('evt_i8', 'invoice.paid', 500, 'in_late'));
    const late = await activities.applyInvoiceEvent(
      invoiceEvent('evt_i9', 'invoice.payment_failed', 490, 'in_late', { status: 'open' }),
    );
    assert.equal(late.outcome, 'stale');
    assert.equal((await notificationsFor('in_late')).length, 0);
    assert.equal((await storedInvoice('in_late'))?.status, 'paid');
  });

  it('still notifies a failure older than the stored state while the invoice stays unpaid', async () => {
    await activities.applyInvoiceEvent(
      invoiceEvent('evt_i10', 'invoice.updated', 600, 'in_unpaid', { status: 'open' }),
    );
    const failure = await activities.applyInvoiceEvent(
      invoiceEvent('evt_i11', 'invoice.payment_action_required', 590, 'in_unpaid', { status: 'open' }),
    );
    assert.equal(failure.outcome, 'applied');
    const [stored] = await database.db.select().from(invoices).where(eq(invoices.id, 'in_unpaid'));
    assert.equal(stored?.sourceEventId, 'evt_i10', 'the older event did not overwrite the row');
    const queued = await notificationsFor('in_unpaid');
    assert.deepEqual(
      queued.map((n) => [n.eventId, n.kind]),
      [['evt_i11', 'payment_action_required']],
    );
  });

  it('records invoice.deleted as a final state', async () => {
    await activities.applyInvoiceEvent(
      invoiceEvent('evt_i12', 'invoice.created', 700, 'in_gone', { status: 'draft' }),
    );
    await activities.applyInvoiceEvent(
      invoiceEvent('evt_i13', 'invoice.deleted', 700, 'in_gone', { status: 'draft' }),
    );
    assert.equal((await storedInvoice('in_gone'))?.status, 'deleted');
  });

  it('fails with a named non-retryable error on an invoice without a customer', async () => {
    const event = invoiceEvent('evt_i14', 'invoice.payment_failed', 800, 'in_orphan', { customer: null });
    await assert.rejects(activities.applyInvoiceEvent(event), {
      type: 'InvalidStripePayload',
      nonRetryable: true,
    });
    const ledger = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, 'evt_i14'));
    assert.equal(ledger.length, 0, 'a failed transaction leaves no ledger row behind');
    assert.equal(await storedInvoice('in_orphan'), undefined);
    assert.equal((await notificationsFor('in_orphan')).length, 0);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'drizzle-orm';
import { createActivities, HANDLER_PAUSED } from '../../activities';
import { PAUSED_RETRY_DELAY_MS } from '../../activities/pause';
import { createStripeApi } from '../../common/stripe-api';
import type { StripeEvent } from '../../common/stripe-event';
import { handlerPauses } from '../../db/schema';
import { fixtureEvent } from '../../dev/fixtures';
import { createTestDatabase, query } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { startFakeStripe } from '../helpers/fake-stripe';
import type { FakeStripe } from '../helpers/fake-stripe';

// Well in the past, so a re-fetch (versioned by the API's clock) is clearly newer than the events.
const T = Math.floor(Date.now() / 1000) - 3600;

function invoiceEvent(id: string, status: string, created = T): StripeEvent {
  return fixtureEvent('invoice.updated', { created, object: { id, status } });
}

describe('operator controls: handler pause and re-fetch, against Postgres and a fake Stripe API', () => {
  let database: TestDatabase;
  let stripe: FakeStripe;
  before(async () => {
    database = await createTestDatabase();
    stripe = await startFakeStripe();
  });
  after(async () => {
    await stripe.close();
    await database.drop();
  });

  const stripeApi = () =>
    createStripeApi({ apiKey: stripe.apiKey, baseUrl: stripe.baseUrl, requestsPerSecond: 100 });

  /** Handlers that apply every invoice as the fake API returns it. */
  const refetchingInvoices = () =>
    createActivities({ db: database.db, stripeApi: stripeApi(), refetchObjects: ['invoice'] });

  async function ledger(eventId: string) {
    const [row] = await query<{ outcome: string; refetched: boolean; created: string }>(
      database.db,
      sql`select outcome, refetched, created from stripe_events where id = ${eventId}`,
    );
    return row;
  }

  async function invoiceStatus(id: string): Promise<string | undefined> {
    const [row] = await query<{ status: string }>(
      database.db,
      sql`select status from invoices where id = ${id}`,
    );
    return row?.status;
  }

  const retrievals = (path: string) => stripe.requests.filter((request) => request.path === path).length;

  describe('pause', () => {
    it('holds a paused handler with a retryable HandlerPaused failure, leaves the others running, and resumes', async () => {
      const activities = createActivities({ db: database.db });
      await database.db.insert(handlerPauses).values({ handler: 'applyInvoiceEvent', reason: 'bad deploy' });
      const invoice = invoiceEvent(`in_paused_${Date.now()}`, 'open');

      const failure = await activities.applyInvoiceEvent(invoice).then(
        () => assert.fail('a paused handler must not apply'),
        (err: unknown) => err,
      );
      assert.ok(failure instanceof ApplicationFailure);
      assert.equal(failure.type, HANDLER_PAUSED);
      assert.equal(failure.nonRetryable, false, 'paused events must wait, not fail');
      assert.equal(failure.nextRetryDelay, PAUSED_RETRY_DELAY_MS);
      assert.match(failure.message, /applyInvoiceEvent is paused: bad deploy/);
      assert.equal(await ledger(invoice.id), undefined, 'nothing was claimed while paused');

      const customer = fixtureEvent('customer.created');
      assert.equal((await activities.applyCustomerEvent(customer)).outcome, 'applied');

      await database.db.delete(handlerPauses);
      assert.equal((await activities.applyInvoiceEvent(invoice)).outcome, 'applied');
      assert.equal(await invoiceStatus(invoice.data.object.id as string), 'open');
    });
  });

  describe('re-fetch', () => {
    it('applies the object from the API for a configured kind and records it in the ledger', async () => {
      const activities = refetchingInvoices();
      const id = `in_configured_${Date.now()}`;
      const event = invoiceEvent(id, 'open');
      stripe.setObject({ ...event.data.object, id, object: 'invoice', status: 'uncollectible' });

      const result = await activities.applyInvoiceEvent(event);
      assert.equal(result.refetched, true);
      assert.equal(await invoiceStatus(id), 'uncollectible', 'the API said uncollectible, the payload open');
      const row = await ledger(event.id);
      assert.equal(row?.refetched, true);
      assert.equal(Number(row?.created), T, "the ledger keeps the event's own created");
      assert.equal(retrievals(`/v1/invoices/${id}`), 1);

      // An older event arriving late cannot roll the row back: it too applies what the API says now.
      const older = invoiceEvent(id, 'draft', T - 60);
      assert.equal((await activities.applyInvoiceEvent(older)).refetched, true);
      assert.equal(await invoiceStatus(id), 'uncollectible');
    });

    it('does not call the API for an object already in a final state', async () => {
      const activities = refetchingInvoices();
      const id = `in_final_${Date.now()}`;
      const paid = invoiceEvent(id, 'paid');
      stripe.setObject({ ...paid.data.object, id, object: 'invoice', status: 'paid' });
      await activities.applyInvoiceEvent(paid);
      assert.equal(retrievals(`/v1/invoices/${id}`), 1);

      const later = invoiceEvent(id, 'paid', T + 10);
      const result = await activities.applyInvoiceEvent(later);
      assert.equal(result.refetched, false);
      assert.equal(retrievals(`/v1/invoices/${id}`), 1, 'a paid invoice is not fetched again');
    });

    it('falls back to the payload when the API no longer has the object', async () => {
      const activities = refetchingInvoices();
      const id = `in_gone_${Date.now()}`;
      const result = await activities.applyInvoiceEvent(invoiceEvent(id, 'open'));
      assert.equal(result.refetched, false);
      assert.equal(result.outcome, 'applied');
      assert.equal(await invoiceStatus(id), 'open');
    });

    it('breaks a same-second tie with the API when a key is configured, without any kind configured', async () => {
      const activities = createActivities({ db: database.db, stripeApi: stripeApi() });
      const id = `in_tie_${Date.now()}`;
      const first = invoiceEvent(id, 'open');
      const second = invoiceEvent(id, 'draft'); // same second, lower rank: the tie rule would keep "open"
      stripe.setObject({ ...first.data.object, id, object: 'invoice', status: 'draft' });

      assert.equal((await activities.applyInvoiceEvent(first)).refetched, false, 'no tie yet: the payload');
      const result = await activities.applyInvoiceEvent(second);
      assert.equal(result.refetched, true);
      assert.equal(result.outcome, 'applied');
      assert.equal(await invoiceStatus(id), 'draft', 'the API decided, not the rank');
    });

    it('re-fetches an entitlement summary whose payload lists only a first page, with no kind configured', async () => {
      const activities = createActivities({ db: database.db, stripeApi: stripeApi() });
      for (const key of ['journeys', 'reports', 'exports']) {
        stripe.setObject({
          id: `ent_paged_${key}`,
          object: 'entitlements.active_entitlement',
          customer: 'cus_paged',
          feature: `feat_${key}`,
          lookup_key: key,
          livemode: false,
        });
      }
      const event = fixtureEvent('entitlements.active_entitlement_summary.updated', {
        created: T,
        object: { customer: 'cus_paged' },
      });
      (event.data.object.entitlements as { has_more: boolean }).has_more = true;
      const result = await activities.applyEntitlementSummaryEvent(event);
      assert.equal(result.refetched, true);
      const granted = await query<{ lookup_key: string }>(
        database.db,
        sql`select lookup_key from active_entitlements where customer_id = 'cus_paged' order by lookup_key`,
      );
      assert.deepEqual(
        granted.map((row) => row.lookup_key),
        ['exports', 'journeys', 'reports'],
      );
    });

    it('waits out Stripe rate limits (429 with Retry-After) and then applies', async () => {
      const activities = refetchingInvoices();
      const id = `in_429_${Date.now()}`;
      const event = invoiceEvent(id, 'open');
      stripe.setObject({ ...event.data.object, id, object: 'invoice', status: 'open' });
      stripe.rateLimitNext(2, 0);
      const result = await activities.applyInvoiceEvent(event);
      assert.equal(result.refetched, true);
      assert.equal(retrievals(`/v1/invoices/${id}`), 3, 'two 429s, then the answer');
    });
  });
});

/**
 * Every routed event type through the whole stack, HTTP → Temporal → Postgres, with real fixtures
 * signed for real: run by the integration tier on the dev server and by the cluster tier on a real
 * cluster over mTLS (the target comes from the environment test/run.ts sets; see helpers/test-env.ts).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { StripeEventType, StripeLivemode, StripeObjectId } from '../../common/search-attributes';
import { currentApiEvent, fixtureEvent } from '../../dev/fixtures';
import type { StripeEvent } from '../../common/stripe-event';
import { ROUTES, routeFor } from '../../common/routing';
import { query } from '../helpers/db';
import { startTestStack } from '../helpers/stack';
import type { TestStack } from '../helpers/stack';

/** Where each handler writes the event's object. */
const MIRROR_TABLE: Record<string, string> = {
  applyCustomerEvent: 'customers',
  applySubscriptionEvent: 'subscriptions',
  applyCheckoutSessionEvent: 'checkout_sessions',
  applyInvoiceEvent: 'invoices',
  applyPaymentIntentEvent: 'payment_intents',
  applyChargeEvent: 'charges',
  applyRefundEvent: 'refunds',
  applyDisputeEvent: 'disputes',
};

/** The outbox message each type queues (with the fixture's state, nothing newer in the mirror). */
const NOTIFICATION: Record<string, string> = {
  'customer.subscription.trial_will_end': 'trial_ending',
  'invoice.payment_failed': 'payment_failed',
  'invoice.payment_action_required': 'payment_action_required',
};
const GRANTS_ACCESS = new Set(['trialing', 'active', 'past_due']);

export function everyTypeSuite(name: string): void {
  describe('every routed event type, HTTP → Temporal → Postgres, with real fixtures signed for real', () => {
    let stack: TestStack;
    before(async () => {
      stack = await startTestStack(name);
    });
    after(async () => stack.stop());

    /** Posts the event, waits for its workflow, and checks the ledger, the row and the search attributes. */
    async function deliver(event: StripeEvent): Promise<Record<string, unknown>> {
      const handler = routeFor(event.type);
      assert.ok(handler, `${event.type} has a route`);
      const table = MIRROR_TABLE[handler];
      assert.ok(table, `${handler} has a mirror table`);
      const objectId = String(event.data.object.id);

      const response = await stack.ingress.post(event);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.deepEqual(response.body, { received: true });

      const result = await stack.result(event.id);
      assert.equal(result.outcome, 'applied');
      assert.equal(result.handler, handler);

      const ledger = await query<{ outcome: string; handler: string }>(
        stack.database.db,
        sql`select outcome, handler from stripe_events where id = ${event.id}`,
      );
      assert.deepEqual(ledger, [{ outcome: 'applied', handler }]);
      const rows = await query<Record<string, unknown>>(
        stack.database.db,
        sql`select * from ${sql.identifier(table)} where id = ${objectId}`,
      );
      assert.equal(rows.length, 1, `${table} has the row`);
      const row = rows[0]!;
      assert.equal(row.source_event_id, event.id);

      const attributes = (await stack.handle(event.id).describe()).typedSearchAttributes;
      assert.equal(attributes.get(StripeEventType), event.type);
      assert.equal(attributes.get(StripeObjectId), objectId);
      assert.equal(attributes.get(StripeLivemode), event.livemode);
      return row;
    }

    async function notificationKinds(eventId: string): Promise<string[]> {
      const rows = await query<{ kind: string }>(
        stack.database.db,
        sql`select kind from notifications where event_id = ${eventId}`,
      );
      return rows.map((r) => r.kind);
    }

    for (const type of Object.keys(ROUTES)) {
      it(type, async () => {
        // Fixture files share object ids and seconds; a fresh object id keeps the types independent.
        const prefix = String(fixtureEvent(type).data.object.id).split('_')[0];
        const event = fixtureEvent(type, { object: { id: `${prefix}_it${randomBytes(5).toString('hex')}` } });
        const object = event.data.object;
        const row = await deliver(event);

        if ('status' in row && object.object !== 'invoice') assert.equal(row.status, object.status);
        if (object.object === 'invoice') {
          assert.equal(row.status, type === 'invoice.deleted' ? 'deleted' : object.status);
        }
        if (type === 'customer.deleted') assert.deepEqual([row.deleted, row.email], [true, null]);
        assert.deepEqual(await notificationKinds(event.id), NOTIFICATION[type] ? [NOTIFICATION[type]] : []);
        if (object.object === 'subscription') {
          const granted = await query<{ product_id: string }>(
            stack.database.db,
            sql`select product_id from entitlements where subscription_id = ${String(object.id)}`,
          );
          assert.equal(
            granted.length > 0,
            GRANTS_ACCESS.has(String(object.status)),
            `entitlements for ${String(object.status)}`,
          );
        }
        if (type === 'checkout.session.completed') assert.ok(row.fulfilled_at, 'paid checkout fulfilled');
      });
    }

    it('reads the current API shape: billing period from subscription items (2025-03-31.basil)', async () => {
      const event = currentApiEvent('subscription', 'customer.subscription.updated', {
        object: {
          id: `sub_cur${randomBytes(5).toString('hex')}`,
          status: 'active',
          ended_at: null,
          canceled_at: null,
        },
      });
      const items = (event.data.object.items as { data: { current_period_end: number }[] }).data;
      const row = await deliver(event);
      assert.equal(
        new Date(String(row.current_period_end)).getTime(),
        Math.max(...items.map((item) => item.current_period_end)) * 1000,
      );
    });

    it('reads the current API shape: invoice subscription from invoice.parent', async () => {
      const event = currentApiEvent('invoice', 'invoice.paid', {
        object: {
          id: `in_cur${randomBytes(5).toString('hex')}`,
          status: 'paid',
          subscription: undefined,
          parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_from_parent' } },
        },
      });
      const row = await deliver(event);
      assert.equal(row.subscription_id, 'sub_from_parent');
    });
  });
}

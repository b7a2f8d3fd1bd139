/**
 * Every routed event type through the whole stack, HTTP → Temporal → Postgres, with real fixtures
 * signed for real, walking the table of kinds: run by the integration tier on the dev server and by
 * the cluster tier on a real cluster over mTLS (the target comes from the environment test/run.ts
 * sets; see helpers/test-env.ts).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { MIRROR_KINDS } from '../../activities/kinds';
import { KIND_NAMES, KIND_OF_EVENT_TYPE, kindSpec, KINDS } from '../../common/kinds';
import { StripeEventType, StripeLivemode, StripeObjectId } from '../../common/search-attributes';
import { currentApiEvent, fixtureEvent } from '../../dev/fixtures';
import { refId } from '../../common/stripe-event';
import type { StripeEvent } from '../../common/stripe-event';
import { routeFor } from '../../common/routing';
import { query } from '../helpers/db';
import { startTestStack } from '../helpers/stack';
import type { TestStack } from '../helpers/stack';

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
      const kind = KIND_OF_EVENT_TYPE.get(event.type);
      assert.ok(kind, `${event.type} has a kind`);
      const table = MIRROR_KINDS[kind].table;
      const objectId = String(refId(event.data.object[kindSpec(kind)?.key ?? 'id']));

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
      const rows = (await stack.database.db.select().from(table).where(eq(table.id, objectId))) as Record<
        string,
        unknown
      >[];
      assert.equal(rows.length, 1, `${KINDS[kind].table} has the row of ${event.type}`);
      const row = rows[0]!;
      assert.equal(row.sourceEventId, event.id, event.type);

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

    /** One type's event about a fresh object, delivered and checked. */
    async function deliverType(type: string): Promise<void> {
      // Fixture files share object ids and seconds; a fresh object id keeps the types independent.
      const key = kindSpec(KIND_OF_EVENT_TYPE.get(type) ?? '')?.key ?? 'id';
      const prefix = String(refId(fixtureEvent(type).data.object[key])).split('_')[0];
      const event = fixtureEvent(type, {
        object: { [key]: `${prefix}_it${randomBytes(5).toString('hex')}` },
      });
      const object = event.data.object;
      const row = await deliver(event);

      if ('status' in row && typeof object.status === 'string' && object.object !== 'invoice') {
        assert.equal(row.status, object.status, type);
      }
      if (object.object === 'invoice') {
        assert.equal(row.status, type === 'invoice.deleted' ? 'deleted' : object.status);
      }
      if (type.endsWith('.deleted') && 'deleted' in row) assert.equal(row.deleted, true, type);
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
      if (type === 'checkout.session.completed') assert.ok(row.fulfilledAt, 'paid checkout fulfilled');
    }

    // Every routed type, a kind at a time; a kind's types go in together, each about its own object.
    for (const name of KIND_NAMES) {
      const { events } = KINDS[name];
      if (events.length === 0) continue;
      it(`${name}: ${events.join(', ')}`, async () => {
        await Promise.all(events.map((type) => deliverType(type)));
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
        (row.currentPeriodEnd as Date).getTime(),
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
      assert.equal(row.subscriptionId, 'sub_from_parent');
    });
  });
}

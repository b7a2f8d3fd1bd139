import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { StripeEventType, StripeLivemode, StripeObjectId } from '../../common/search-attributes';
import { HANDLED_TYPES_WITH_FIXTURES, fixtureEvent } from '../../dev/fixtures';
import { routeFor } from '../../workflows/routing';
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

describe('every handled event type, HTTP → Temporal → Postgres, with real fixtures signed for real', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack('every-type');
  });
  after(async () => stack.stop());

  for (const type of HANDLED_TYPES_WITH_FIXTURES) {
    it(type, async () => {
      const handler = routeFor(type);
      assert.ok(handler, `${type} has a route`);
      const table = MIRROR_TABLE[handler];
      assert.ok(table, `${handler} has a mirror table`);
      // Fixture files share object ids and seconds; a fresh object id keeps the types independent.
      const base = fixtureEvent(type);
      const objectId = `${String(base.data.object.id).split('_')[0]}_it${randomBytes(5).toString('hex')}`;
      const event = fixtureEvent(type, { object: { id: objectId } });

      const response = await stack.ingress.post(event);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.deepEqual(response.body, { received: true });

      const result = await stack.result(event.id);
      assert.equal(result.outcome, 'applied');
      assert.equal(result.handler, handler);

      const rows = await query<{ source_event_id: string }>(
        stack.database.db,
        sql`select source_event_id from ${sql.identifier(table)} where id = ${objectId}`,
      );
      assert.equal(rows.length, 1, `${table} has the row`);
      assert.equal(rows[0]?.source_event_id, event.id);
      const ledger = await query<{ outcome: string; handler: string }>(
        stack.database.db,
        sql`select outcome, handler from stripe_events where id = ${event.id}`,
      );
      assert.deepEqual(ledger, [{ outcome: 'applied', handler }]);

      const description = await stack.handle(event.id).describe();
      assert.equal(description.typedSearchAttributes.get(StripeEventType), type);
      assert.equal(description.typedSearchAttributes.get(StripeObjectId), objectId);
      assert.equal(description.typedSearchAttributes.get(StripeLivemode), event.livemode);
    });
  }
});

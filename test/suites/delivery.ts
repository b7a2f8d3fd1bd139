/**
 * Delivery semantics through the whole stack: 20 concurrent duplicates give one workflow and one
 * effect, out-of-order deliveries never overwrite newer state, unknown types complete as ignored.
 * Run on the dev server (integration) and on the cluster over mTLS (cluster); `more` adds a tier's
 * own cases on the same stack.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { fixtureEvent } from '../../dev/fixtures';
import { query } from '../helpers/db';
import { startTestStack } from '../helpers/stack';
import type { TestStack } from '../helpers/stack';

export function metricValue(metrics: string, name: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

export function deliverySuite(name: string, more?: (stack: () => TestStack) => void): void {
  describe('delivery semantics through the real stack', () => {
    let stack: TestStack;
    before(async () => {
      stack = await startTestStack(name);
    });
    after(async () => stack.stop());

    async function count(table: string, column: string, value: string): Promise<number> {
      const rows = await query<{ n: number }>(
        stack.database.db,
        sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(column)} = ${value}`,
      );
      return Number(rows[0]?.n ?? 0);
    }

    it('the same event posted 20 times at once gives one workflow and one effect', async () => {
      const event = fixtureEvent('invoice.payment_failed');
      const before = await (await fetch(`${stack.ingress.url}/metrics`)).text();
      const responses = await Promise.all(Array.from({ length: 20 }, () => stack.ingress.post(event)));
      assert.deepEqual(
        responses.map((r) => r.status),
        Array.from({ length: 20 }, () => 200),
      );
      await stack.result(event.id);

      const runs = [];
      for await (const run of stack.temporal.client.workflow.list({ query: `WorkflowId = "${event.id}"` }))
        runs.push(run);
      assert.equal(runs.length, 1, 'exactly one workflow run');
      assert.equal(await count('stripe_events', 'id', event.id), 1);
      assert.equal(await count('notifications', 'event_id', event.id), 1);
      assert.equal(await count('invoices', 'source_event_id', event.id), 1);

      const metrics = await (await fetch(`${stack.ingress.url}/metrics`)).text();
      const accepted =
        metricValue(metrics, 'stripe_webhooks_accepted_total') -
        metricValue(before, 'stripe_webhooks_accepted_total');
      const duplicates =
        metricValue(metrics, 'stripe_webhooks_duplicate_total') -
        metricValue(before, 'stripe_webhooks_duplicate_total');
      assert.equal(accepted, 1);
      assert.equal(duplicates, 19);
    });

    it('subscription.updated arriving before .created leaves the newest state', async () => {
      const id = `sub_ooo_${Date.now()}`;
      const created = fixtureEvent('customer.subscription.created', {
        created: 1_700_000_000,
        object: { id, status: 'incomplete' },
      });
      const updated = fixtureEvent('customer.subscription.updated', {
        created: 1_700_000_010,
        object: { id, status: 'active' },
      });
      assert.equal((await stack.ingress.post(updated)).status, 200);
      assert.equal((await stack.result(updated.id)).outcome, 'applied');
      assert.equal((await stack.ingress.post(created)).status, 200);
      assert.equal((await stack.result(created.id)).outcome, 'stale');

      const rows = await query<{ status: string; source_event_id: string }>(
        stack.database.db,
        sql`select status, source_event_id from subscriptions where id = ${id}`,
      );
      assert.deepEqual(rows, [{ status: 'active', source_event_id: updated.id }]);
    });

    it('an older update delivered after a newer one is recorded as stale and changes nothing', async () => {
      const id = `sub_old_${Date.now()}`;
      const newer = fixtureEvent('customer.subscription.updated', {
        created: 1_700_000_020,
        object: { id, status: 'past_due' },
      });
      const older = fixtureEvent('customer.subscription.updated', {
        created: 1_700_000_015,
        object: { id, status: 'active' },
      });
      await stack.ingress.post(newer);
      assert.equal((await stack.result(newer.id)).outcome, 'applied');
      await stack.ingress.post(older);
      assert.equal((await stack.result(older.id)).outcome, 'stale');
      const rows = await query<{ status: string }>(
        stack.database.db,
        sql`select status from subscriptions where id = ${id}`,
      );
      assert.equal(rows[0]?.status, 'past_due');
      const ledger = await query<{ outcome: string }>(
        stack.database.db,
        sql`select outcome from stripe_events where id = ${older.id}`,
      );
      assert.equal(ledger[0]?.outcome, 'stale');
    });

    it('answers 200 for event types without a handler and completes them as ignored', async () => {
      for (const event of [fixtureEvent('product.created'), fixtureEvent('customer.updated', {})]) {
        event.type = event.type === 'customer.updated' ? 'some_future.event_type' : 'payout.paid';
        const response = await stack.ingress.post(event);
        assert.equal(response.status, 200);
        const result = await stack.result(event.id);
        assert.equal(result.outcome, 'ignored');
        assert.equal(await count('stripe_events', 'id', event.id), 0);
      }
    });

    more?.(() => stack);
  });
}

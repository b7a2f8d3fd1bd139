import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'drizzle-orm';
import { createActivities } from '../../activities';
import { fixtureEvent } from '../../dev/fixtures';
import { createTestDatabase, query } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

const EMAIL = 'jenny.rosen@example.com';

describe('the ledger and the failure policy, against Postgres', () => {
  let database: TestDatabase;
  let activities: ReturnType<typeof createActivities>;
  before(async () => {
    database = await createTestDatabase();
    activities = createActivities({ db: database.db });
  });
  after(async () => database.drop());

  async function count(table: string, column: string, value: string): Promise<number> {
    const rows = await query<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(column)} = ${value}`,
    );
    return rows[0]?.n ?? -1;
  }

  it('applies an event once when 20 attempts of it race (a lost acknowledgement, a reset)', async () => {
    const event = fixtureEvent('invoice.payment_failed');
    const results = await Promise.all(Array.from({ length: 20 }, () => activities.applyInvoiceEvent(event)));
    assert.equal(results.filter((r) => !r.alreadyRecorded).length, 1);
    assert.ok(results.every((r) => r.outcome === 'applied'));
    assert.equal(await count('stripe_events', 'id', event.id), 1);
    assert.equal(await count('notifications', 'event_id', event.id), 1);
  });

  it('converges on the newest state when 20 events on one subscription race', async () => {
    const id = `sub_race_${Date.now()}`;
    const events = Array.from({ length: 20 }, (_, i) =>
      fixtureEvent('customer.subscription.updated', {
        created: 1_700_000_000 + ((i * 7) % 20),
        object: { id, status: i % 2 === 0 ? 'active' : 'past_due', metadata: { step: String(i) } },
      }),
    );
    const newest = events.reduce((a, b) => (b.created > a.created ? b : a));
    await Promise.all(events.map((event) => activities.applySubscriptionEvent(event)));
    const rows = await query<{ source_event_id: string }>(
      database.db,
      sql`select source_event_id from subscriptions where id = ${id}`,
    );
    assert.deepEqual(rows, [{ source_event_id: newest.id }]);
  });

  it('re-applies an event whose ledger row an operator removed, restoring what it wrote', async () => {
    const id = `cus_reapply_${Date.now()}`;
    const event = fixtureEvent('customer.updated', { object: { id, email: EMAIL } });
    await activities.applyCustomerEvent(event);
    // A handler bug wrote the wrong value; the fix is deployed, the operator re-applies the event.
    await database.db.execute(sql`update customers set email = 'WRONG' where id = ${id}`);
    await database.db.execute(sql`delete from stripe_events where id = ${event.id}`);
    const again = await activities.applyCustomerEvent(event);
    assert.deepEqual([again.outcome, again.alreadyRecorded], ['applied', false]);
    const rows = await query<{ email: string }>(
      database.db,
      sql`select email from customers where id = ${id}`,
    );
    assert.deepEqual(rows, [{ email: EMAIL }]);
  });

  it('still refuses a re-applied event once a newer one has written the row', async () => {
    const id = `cus_reapply_old_${Date.now()}`;
    const older = fixtureEvent('customer.updated', {
      created: 1_700_000_000,
      object: { id, email: 'old@example.com' },
    });
    const newer = fixtureEvent('customer.updated', { created: 1_700_000_100, object: { id, email: EMAIL } });
    await activities.applyCustomerEvent(older);
    await activities.applyCustomerEvent(newer);
    await database.db.execute(sql`delete from stripe_events where id = ${older.id}`);
    assert.equal((await activities.applyCustomerEvent(older)).outcome, 'stale');
    const rows = await query<{ email: string }>(
      database.db,
      sql`select email from customers where id = ${id}`,
    );
    assert.deepEqual(rows, [{ email: EMAIL }]);
  });

  it('fails a payload Postgres cannot store as non-retryable, without personal data in the message', async () => {
    const event = fixtureEvent('customer.updated', {
      object: { id: `cus_nul_${Date.now()}`, email: EMAIL, metadata: { note: 'nul\u0000byte' } },
    });
    const failure = await activities.applyCustomerEvent(event).then(
      () => assert.fail('should have failed'),
      (err: unknown) => err,
    );
    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.type, 'InvalidStripePayload');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /SQLSTATE 22/);
    assert.doesNotMatch(failure.message, /jenny|example\.com|params/);
    assert.equal(await count('stripe_events', 'id', event.id), 0, 'nothing half-written');
  });

  it('fails an integer that overflows its column as non-retryable', async () => {
    const event = fixtureEvent('customer.subscription.updated', { object: { id: `sub_big_${Date.now()}` } });
    const items = (event.data.object.items as { data: Record<string, unknown>[] }).data;
    items[0]!.quantity = 3_000_000_000;
    await assert.rejects(activities.applySubscriptionEvent(event), {
      type: 'InvalidStripePayload',
      nonRetryable: true,
    });
  });

  it('stores a timestamp outside the Date range as null instead of failing forever', async () => {
    const event = fixtureEvent('customer.subscription.updated', {
      object: { id: `sub_time_${Date.now()}`, trial_end: 1e15 },
    });
    const result = await activities.applySubscriptionEvent(event);
    assert.equal(result.outcome, 'applied');
  });

  it('keeps a database outage retryable, naming the SQLSTATE and not the values', async () => {
    await database.db.execute(sql`alter table customers rename to customers_away`);
    try {
      const event = fixtureEvent('customer.updated', {
        object: { id: `cus_out_${Date.now()}`, email: EMAIL },
      });
      const failure = await activities.applyCustomerEvent(event).then(
        () => assert.fail('should have failed'),
        (err: unknown) => err,
      );
      assert.ok(failure instanceof Error);
      assert.ok(!(failure instanceof ApplicationFailure), 'a plain error: Temporal retries it');
      assert.match(failure.message, /42P01/);
      assert.doesNotMatch(failure.message, /jenny|example\.com|params/);
    } finally {
      await database.db.execute(sql`alter table customers_away rename to customers`);
    }
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { createDisputeActivities } from '../../activities/disputes';
import type { StripeEvent, StripeObject } from '../../common/stripe-event';
import { disputes, stripeEvents } from '../../db/schema';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const LEGACY_DISPUTE = (
  JSON.parse(
    readFileSync(path.join(FIXTURES, 'stripe-events', 'charge_dispute_created.json'), 'utf8'),
  ) as StripeEvent
).data.object;
const CURRENT_DISPUTE = (
  JSON.parse(readFileSync(path.join(FIXTURES, 'stripe-openapi-fixtures3.json'), 'utf8')) as {
    resources: Record<string, StripeObject>;
  }
).resources.dispute as StripeObject;

/** A dispute event with its own event id: fixture ids repeat across files. */
function disputeEvent(
  id: string,
  type: string,
  created: number,
  disputeId: string,
  status: string,
  base: StripeObject = LEGACY_DISPUTE,
): StripeEvent {
  return {
    id,
    object: 'event',
    type,
    created,
    livemode: false,
    api_version: base === LEGACY_DISPUTE ? '2020-03-02' : '2025-03-31.basil',
    data: { object: { ...base, id: disputeId, status } },
  };
}

describe('applyDisputeEvent against Postgres', () => {
  let database: TestDatabase;
  let activities: ReturnType<typeof createDisputeActivities>;
  before(async () => {
    database = await createTestDatabase();
    activities = createDisputeActivities({ db: database.db });
  });
  after(async () => database.drop());

  async function storedDispute(id: string) {
    const [row] = await database.db.select().from(disputes).where(eq(disputes.id, id));
    return row;
  }

  it('applies once, then reports the ledger outcome without touching the row', async () => {
    const event = disputeEvent('evt_d1', 'charge.dispute.created', 100, 'dp_once', 'needs_response');
    const first = await activities.applyDisputeEvent(event);
    assert.deepEqual(first, {
      eventId: 'evt_d1',
      handler: 'applyDisputeEvent',
      outcome: 'applied',
      alreadyRecorded: false,
    });
    const again = await activities.applyDisputeEvent(event);
    assert.equal(again.alreadyRecorded, true);
    const stored = await storedDispute('dp_once');
    assert.equal(stored?.chargeId, 'ch_1IqtGAJDPojXS6LNstgEfUji');
    assert.equal(stored?.paymentIntentId, 'pi_1IqtG9JDPojXS6LNOGnYrIqq');
    assert.equal(stored?.reason, 'general');
  });

  it('writes a current-API dispute', async () => {
    await activities.applyDisputeEvent(
      disputeEvent(
        'evt_d2',
        'charge.dispute.created',
        150,
        'dp_current',
        'warning_needs_response',
        CURRENT_DISPUTE,
      ),
    );
    const stored = await storedDispute('dp_current');
    assert.equal(stored?.chargeId, 'ch_1PgafuB7WZ01zgkWXYmPNZs8');
    assert.equal(stored?.paymentIntentId, null);
  });

  it('ignores an older event and records it as stale', async () => {
    await activities.applyDisputeEvent(
      disputeEvent('evt_d3', 'charge.dispute.closed', 200, 'dp_order', 'lost'),
    );
    const stale = await activities.applyDisputeEvent(
      disputeEvent('evt_d4', 'charge.dispute.updated', 190, 'dp_order', 'under_review'),
    );
    assert.equal(stale.outcome, 'stale');
    assert.equal((await storedDispute('dp_order'))?.status, 'lost');
    const [ledger] = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, 'evt_d4'));
    assert.equal(ledger?.outcome, 'stale');
  });

  it('lets a same-second closed dispute win over one under review in either order', async () => {
    // The under-review events carry the greater event ids, so only the status rank can make won win.
    await activities.applyDisputeEvent(
      disputeEvent('evt_d5a', 'charge.dispute.closed', 300, 'dp_tie_1', 'won'),
    );
    await activities.applyDisputeEvent(
      disputeEvent('evt_d5z', 'charge.dispute.updated', 300, 'dp_tie_1', 'under_review'),
    );
    await activities.applyDisputeEvent(
      disputeEvent('evt_d6z', 'charge.dispute.updated', 300, 'dp_tie_2', 'under_review'),
    );
    await activities.applyDisputeEvent(
      disputeEvent('evt_d6a', 'charge.dispute.closed', 300, 'dp_tie_2', 'won'),
    );
    assert.equal((await storedDispute('dp_tie_1'))?.status, 'won');
    assert.equal((await storedDispute('dp_tie_2'))?.status, 'won');
  });

  it('fails with a named non-retryable error on a payload that is not a dispute', async () => {
    const event = disputeEvent('evt_d7', 'charge.dispute.created', 400, 'dp_wrong', 'needs_response');
    event.data.object = { id: 'ch_1', object: 'charge' };
    await assert.rejects(activities.applyDisputeEvent(event), {
      type: 'InvalidStripePayload',
      nonRetryable: true,
    });
    const ledger = await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, 'evt_d7'));
    assert.equal(ledger.length, 0, 'a failed transaction leaves no ledger row behind');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDisputeActivities } from '../../activities/disputes';
import { disputes } from '../../db/schema';
import { currentApiEvent } from '../../dev/fixtures';
import {
  assertAppliedOnce,
  assertLedgerOutcome,
  assertRejectedAsInvalid,
  handlersOnPostgres,
  objectEvents,
  rowById,
} from '../helpers/events';

/** `type` events about charge_dispute_created.json's 2020-era dispute, renamed and in a status. */
const disputeEvent = objectEvents('charge_dispute_created.json');

describe('applyDisputeEvent against Postgres', () => {
  const pg = handlersOnPostgres((db) => createDisputeActivities({ db }));

  const storedDispute = (id: string) => rowById(pg.db, disputes, id);
  const apply = (...args: Parameters<typeof disputeEvent>) =>
    pg.activities.applyDisputeEvent(disputeEvent(...args));

  it('applies once, then reports the ledger outcome without touching the row', async () => {
    const event = disputeEvent('evt_d1', 'charge.dispute.created', 100, 'dp_once', 'needs_response');
    await assertAppliedOnce(pg.db, (e) => pg.activities.applyDisputeEvent(e), event, 'applyDisputeEvent');
    const stored = await storedDispute('dp_once');
    assert.equal(stored?.chargeId, 'ch_1IqtGAJDPojXS6LNstgEfUji');
    assert.equal(stored?.paymentIntentId, 'pi_1IqtG9JDPojXS6LNOGnYrIqq');
    assert.equal(stored?.reason, 'general');
  });

  it('writes a current-API dispute', async () => {
    await pg.activities.applyDisputeEvent(
      currentApiEvent('dispute', 'charge.dispute.created', {
        id: 'evt_d2',
        created: 150,
        object: { id: 'dp_current', status: 'warning_needs_response' },
      }),
    );
    const stored = await storedDispute('dp_current');
    assert.equal(stored?.chargeId, 'ch_1PgafuB7WZ01zgkWXYmPNZs8');
    assert.equal(stored?.paymentIntentId, null);
  });

  it('ignores an older event and records it as stale', async () => {
    await apply('evt_d3', 'charge.dispute.closed', 200, 'dp_order', 'lost');
    const stale = await apply('evt_d4', 'charge.dispute.updated', 190, 'dp_order', 'under_review');
    assert.equal(stale.outcome, 'stale');
    assert.equal((await storedDispute('dp_order'))?.status, 'lost');
    await assertLedgerOutcome(pg.db, 'evt_d4', 'stale');
  });

  it('lets a same-second closed dispute win over one under review in either order', async () => {
    // The under-review events carry the greater event ids, so only the status rank can make won win.
    await apply('evt_d5a', 'charge.dispute.closed', 300, 'dp_tie_1', 'won');
    await apply('evt_d5z', 'charge.dispute.updated', 300, 'dp_tie_1', 'under_review');
    await apply('evt_d6z', 'charge.dispute.updated', 300, 'dp_tie_2', 'under_review');
    await apply('evt_d6a', 'charge.dispute.closed', 300, 'dp_tie_2', 'won');
    assert.equal((await storedDispute('dp_tie_1'))?.status, 'won');
    assert.equal((await storedDispute('dp_tie_2'))?.status, 'won');
  });

  it('fails with a named non-retryable error on a payload that is not a dispute', async () => {
    const event = disputeEvent('evt_d7', 'charge.dispute.created', 400, 'dp_wrong', 'needs_response');
    event.data.object = { id: 'ch_1', object: 'charge' };
    await assertRejectedAsInvalid(pg.db, pg.activities.applyDisputeEvent(event), 'evt_d7');
  });
});

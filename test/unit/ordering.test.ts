import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNewer, statusRank } from '../../activities/ordering';

describe('ordering rule', () => {
  it('lets a newer second win whatever the status', () => {
    const canceled = { created: 100, rank: statusRank('subscription', 'canceled'), eventId: 'evt_a' };
    const active = { created: 101, rank: statusRank('subscription', 'active'), eventId: 'evt_b' };
    assert.equal(isNewer(active, canceled), true);
    assert.equal(isNewer(canceled, active), false);
  });

  it('breaks a same-second tie by lifecycle rank: terminal states win', () => {
    const active = { created: 100, rank: statusRank('subscription', 'active'), eventId: 'evt_z' };
    const canceled = { created: 100, rank: statusRank('subscription', 'canceled'), eventId: 'evt_a' };
    assert.equal(isNewer(canceled, active), true);
    assert.equal(isNewer(active, canceled), false);
    assert.ok(statusRank('invoice', 'paid') > statusRank('invoice', 'open'));
  });

  it('breaks a full tie by event id, the same way in either arrival order', () => {
    const a = { created: 100, rank: 2, eventId: 'evt_A' };
    const b = { created: 100, rank: 2, eventId: 'evt_b' };
    assert.equal(isNewer(b, a), true);
    assert.equal(isNewer(a, b), false);
    assert.equal(isNewer(a, a), false);
  });

  it('ranks unknown statuses lowest', () => {
    assert.equal(statusRank('subscription', 'some_future_status'), 0);
    assert.equal(statusRank('no_such_kind', 'active'), 0);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNewer } from '../../activities/ordering';
import { listedEvent, listedEventId } from '../../activities/sync';
import { emptyProgress, parseSyncKinds, progressLine, syncWorkflowId } from '../../common/sync';
import { newEventId } from '../../dev/fixtures';

describe('initial sync', () => {
  it('loses the tied second to a live event, and wins against any older one', () => {
    const listed = { created: 1_700_000_000, rank: 2, eventId: listedEventId('0196-abc', 'sub_1') };
    const live = (created: number) => ({ created, rank: 2, eventId: newEventId() });
    assert.ok(isNewer(live(listed.created), listed), 'an event of the listing second wins');
    assert.ok(isNewer(listed, live(listed.created - 1)), 'an older event is stale');
    assert.ok(isNewer(live(listed.created + 1), listed));
  });

  it('names the ledger row after the sync and the object, as a `<kind>.listed` event', () => {
    const event = listedEvent(
      { syncId: '01964b2e-aaaa-bbbb', kind: 'subscription', account: 'acct_1' },
      { id: 'sub_1', object: 'subscription', livemode: true },
      1_700_000_000,
      'sub_1',
    );
    assert.equal(event.id, 'api_list_01964b2eaaaabbbb_sub_1');
    assert.equal(event.type, 'subscription.listed');
    assert.equal(event.account, 'acct_1');
    assert.equal(event.livemode, true);
    assert.equal(event.created, 1_700_000_000);
  });

  it('takes kinds or table names, in the table order, and refuses unknown ones', () => {
    assert.deepEqual(parseSyncKinds(['invoices', 'customer']), ['customer', 'invoice']);
    assert.throws(() => parseSyncKinds(['customers', 'widgets']), /unknown object kind "widgets"/);
    assert.equal(syncWorkflowId(undefined), 'stripe-sync-platform');
    assert.equal(syncWorkflowId('acct_9'), 'stripe-sync-acct_9');
  });

  it('prints one progress line', () => {
    const progress = [
      { ...emptyProgress('customer'), done: true, listed: 10, applied: 9, stale: 1 },
      { ...emptyProgress('invoice'), listed: 5, applied: 4, rejected: 1 },
    ];
    const state = { syncId: 'x', startedAt: '', paused: false, runs: 1, progress, rejects: [] };
    assert.equal(
      progressLine({ paused: false, done: false, dryRun: false, state }),
      'listing invoice (kind 2/2): 15 listed, 13 applied, 1 skipped as older, 1 rejected',
    );
    assert.match(progressLine({ paused: true, done: false, dryRun: false, state }), /^paused at invoice/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventStarter } from '../../common/event-starter';
import type { StripeEvent } from '../../common/stripe-event';
import { withRecentAcceptances } from '../../ingress/recent-acceptances';

const event = (id: string) => ({ id, type: 'customer.updated' }) as StripeEvent;

/** A starter that records what reaches Temporal, answering like Temporal's dedupe would. */
function temporalLike(fail?: (id: string) => Error | undefined) {
  const reached: string[] = [];
  const accepted = new Set<string>();
  const starter: EventStarter = {
    start({ id }) {
      reached.push(id);
      const error = fail?.(id);
      if (error) return Promise.reject(error);
      if (accepted.has(id)) return Promise.resolve('duplicate');
      accepted.add(id);
      return Promise.resolve('started');
    },
    readiness: () => Promise.resolve({ ready: true, problems: [] }),
  };
  return { starter, reached };
}

describe('withRecentAcceptances: redeliveries of events this replica saw accepted', () => {
  it('answers a redelivery within the TTL as a duplicate without asking Temporal', async () => {
    const { starter, reached } = temporalLike();
    const recent = withRecentAcceptances(starter, { maxEntries: 10, ttlMs: 60_000 });
    assert.equal(await recent.start(event('evt_1')), 'started');
    assert.equal(await recent.start(event('evt_1')), 'duplicate');
    assert.equal(await recent.start(event('evt_1')), 'duplicate');
    assert.deepEqual(reached, ['evt_1']);
  });

  it('asks Temporal again once the TTL has passed, and remembers duplicates Temporal reported', async () => {
    let now = 0;
    const { starter, reached } = temporalLike();
    const recent = withRecentAcceptances(starter, { maxEntries: 10, ttlMs: 1000, now: () => now });
    await recent.start(event('evt_1'));
    now = 1000;
    assert.equal(await recent.start(event('evt_1')), 'duplicate', "Temporal's answer");
    now = 1500;
    assert.equal(await recent.start(event('evt_1')), 'duplicate', 'remembered from that answer');
    assert.deepEqual(reached, ['evt_1', 'evt_1']);
  });

  it('remembers nothing Temporal did not confirm: a failed start is tried again', async () => {
    let down = true;
    const { starter, reached } = temporalLike(() => (down ? new Error('unavailable') : undefined));
    const recent = withRecentAcceptances(starter, { maxEntries: 10, ttlMs: 60_000 });
    await assert.rejects(recent.start(event('evt_1')), /unavailable/);
    down = false;
    assert.equal(await recent.start(event('evt_1')), 'started');
    assert.deepEqual(reached, ['evt_1', 'evt_1']);
  });

  it('forgets the oldest id beyond maxEntries, leaving that one to Temporal', async () => {
    const { starter, reached } = temporalLike();
    const recent = withRecentAcceptances(starter, { maxEntries: 2, ttlMs: 60_000 });
    for (const id of ['evt_1', 'evt_2', 'evt_3']) await recent.start(event(id));
    assert.equal(await recent.start(event('evt_3')), 'duplicate');
    assert.equal(await recent.start(event('evt_1')), 'duplicate', "Temporal's answer");
    assert.deepEqual(reached, ['evt_1', 'evt_2', 'evt_3', 'evt_1']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REFETCHABLE_OBJECTS } from '../../activities';
import { MIRROR_KINDS } from '../../activities/kinds';
import { statusRank } from '../../activities/ordering';
import { assertRefetchable } from '../../activities/refetch';
import { KIND_NAMES, KIND_OF_EVENT_TYPE, KINDS } from '../../common/kinds';
import { FIRST_RELEASE_TYPES, HANDLER_NAMES, ROUTES, routeFor } from '../../common/routing';
import { getTableName } from 'drizzle-orm';

describe('the table of kinds', () => {
  it('gives every event type to exactly one kind', () => {
    const seen = new Map<string, string>();
    for (const name of KIND_NAMES) {
      for (const type of KINDS[name].events) {
        assert.equal(seen.get(type), undefined, `${type} is claimed by ${seen.get(type)} and ${name}`);
        seen.set(type, name);
      }
    }
    assert.equal(KIND_OF_EVENT_TYPE.size, seen.size);
  });

  it('derives the routing table: every type to its kind’s handler, one handler per kind', () => {
    for (const name of KIND_NAMES) {
      for (const type of KINDS[name].events) assert.equal(routeFor(type), KINDS[name].handler, type);
    }
    const handlers = KIND_NAMES.map((name) => KINDS[name].handler).filter((handler) => handler !== null);
    assert.equal(new Set(handlers).size, handlers.length, 'no handler serves two kinds');
    assert.deepEqual([...HANDLER_NAMES].sort(), [...handlers].sort());
    assert.equal(routeFor('constructor'), undefined);
    assert.equal(routeFor('payout.created'), undefined);
  });

  it('keeps the first release’s 41 types routed as they were', () => {
    assert.equal(FIRST_RELEASE_TYPES.size, 41);
    for (const type of FIRST_RELEASE_TYPES) assert.ok(ROUTES[type], `${type} is still routed`);
  });

  it('ranks final states at least as high as every other state of their kind', () => {
    for (const name of KIND_NAMES) {
      const spec = KINDS[name] as { final?: readonly string[]; ranks?: Record<string, number> };
      for (const state of spec.final ?? []) {
        const others = Object.entries(spec.ranks ?? {}).filter(([other]) => !spec.final?.includes(other));
        for (const [other, rank] of others) {
          assert.ok(statusRank(name, state) >= rank, `${name}: final ${state} ranks below ${other}`);
        }
      }
    }
  });

  it('pairs each kind with its mirror table and a list, and validates STRIPE_REFETCH_OBJECTS from it', () => {
    for (const name of KIND_NAMES) {
      assert.equal(getTableName(MIRROR_KINDS[name].table), KINDS[name].table, name);
      assert.equal(typeof MIRROR_KINDS[name].listPage, 'function', name);
    }
    assert.ok(REFETCHABLE_OBJECTS.includes('checkout.session'));
    assert.doesNotThrow(() => assertRefetchable(['subscription', 'invoice']));
    assert.throws(() => assertRefetchable(['subscriptions']), /STRIPE_REFETCH_OBJECTS names "subscriptions"/);
  });
});

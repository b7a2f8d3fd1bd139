import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCustomerActivities } from '../../activities/customers';
import { customers } from '../../db/schema';
import { fixtureEvent } from '../../dev/fixtures';
import {
  assertAppliedOnce,
  assertLedgerOutcome,
  assertRejectedAsInvalid,
  handlersOnPostgres,
  rowById,
} from '../helpers/events';

/** A `type` event about customer cus_1, built on the vendored customer fixture of that type. */
function customerEvent(id: string, type: string, created: number, object: Record<string, unknown>) {
  return fixtureEvent(type, { id, created, object: { id: 'cus_1', name: 'Jenny', ...object } });
}

describe('applyCustomerEvent against Postgres', () => {
  const pg = handlersOnPostgres((db) => createCustomerActivities({ db }));

  const storedCustomer = () => rowById(pg.db, customers, 'cus_1');

  it('applies once, then reports the ledger outcome without touching the row', async () => {
    const event = customerEvent('evt_c1', 'customer.created', 100, { email: 'a@example.com' });
    await assertAppliedOnce(pg.db, (e) => pg.activities.applyCustomerEvent(e), event, 'applyCustomerEvent');
  });

  it('ignores an older event and records it as stale', async () => {
    await pg.activities.applyCustomerEvent(
      customerEvent('evt_c2', 'customer.updated', 200, { email: 'new@example.com' }),
    );
    const stale = await pg.activities.applyCustomerEvent(
      customerEvent('evt_c3', 'customer.updated', 150, { email: 'old@example.com' }),
    );
    assert.equal(stale.outcome, 'stale');
    assert.equal((await storedCustomer())?.email, 'new@example.com');
    await assertLedgerOutcome(pg.db, 'evt_c3', 'stale');
  });

  it('lets a same-second deletion win over an update in either order', async () => {
    await pg.activities.applyCustomerEvent(
      customerEvent('evt_c5', 'customer.deleted', 300, { email: 'x@example.com', deleted: true }),
    );
    const update = await pg.activities.applyCustomerEvent(
      customerEvent('evt_c9', 'customer.updated', 300, { email: 'y@example.com' }),
    );
    assert.equal(update.outcome, 'stale');
    assert.equal((await storedCustomer())?.deleted, true);
  });

  it('fails with a named non-retryable error on a payload that is not a customer', async () => {
    const event = customerEvent('evt_c6', 'customer.updated', 400, { email: 'z@example.com' });
    event.data.object = { id: 'ch_1', object: 'charge' };
    await assertRejectedAsInvalid(pg.db, pg.activities.applyCustomerEvent(event), 'evt_c6');
  });
});

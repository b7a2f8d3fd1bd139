import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createProviderActivities } from '../../activities/provider-events';
import { providerEvents } from '../../db/schema';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

describe('recordProviderEvent, against Postgres', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => database.drop());

  it('records an event once, however often it runs (a reset, a redelivery after retention)', async () => {
    const { recordProviderEvent } = createProviderActivities({ db: database.db });
    const event = {
      provider: 'clerk',
      id: 'msg_1',
      type: 'user.created',
      receivedAt: '2026-01-02T03:04:05.000Z',
      payload: { type: 'user.created' },
    };
    const attempts = await Promise.all(Array.from({ length: 5 }, () => recordProviderEvent(event)));
    assert.deepEqual(attempts.map((attempt) => attempt.alreadyRecorded).sort(), [
      false,
      true,
      true,
      true,
      true,
    ]);
    // The same id from another provider is another event.
    assert.deepEqual(await recordProviderEvent({ ...event, provider: 'resend' }), { alreadyRecorded: false });
    const rows = await database.db.select().from(providerEvents);
    assert.deepEqual(
      rows.map(({ provider, eventId, type, receivedAt }) => ({ provider, eventId, type, receivedAt })),
      [
        { provider: 'clerk', eventId: 'msg_1', type: 'user.created', receivedAt: new Date(event.receivedAt) },
        {
          provider: 'resend',
          eventId: 'msg_1',
          type: 'user.created',
          receivedAt: new Date(event.receivedAt),
        },
      ],
    );
  });
});

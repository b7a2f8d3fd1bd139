/**
 * Test-only helpers for the handler and mapper tests: events built from the vendored fixtures (on
 * top of dev/fixtures.ts), a handler family on its own Postgres database, and the row, ledger and
 * outbox checks those tests share.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { eq } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { HandlerResult, Outcome } from '../../activities';
import type { StripeEvent } from '../../common/stripe-event';
import type { Database } from '../../db/client';
import { notifications, stripeEvents } from '../../db/schema';
import { fixtureEvent } from '../../dev/fixtures';
import type { FixtureOverrides } from '../../dev/fixtures';
import { createTestDatabase } from './db';
import type { TestDatabase } from './db';

/** A handler family on its own test database; read both fields inside tests, once `before` ran. */
export interface HandlersOnPostgres<A> {
  readonly db: Database;
  readonly activities: A;
}

/**
 * Call inside a describe: a fresh, migrated database made before its tests and dropped after,
 * and the handlers `create` builds on it.
 */
export function handlersOnPostgres<A>(create: (db: Database) => A): HandlersOnPostgres<A> {
  let database: TestDatabase | undefined;
  let activities: A | undefined;
  before(async () => {
    database = await createTestDatabase();
    activities = create(database.db);
  });
  after(async () => database?.drop());
  const ready = () => {
    if (!database || activities === undefined) throw new Error('handlersOnPostgres: read it inside a test');
    return { db: database.db, activities };
  };
  return {
    get db() {
      return ready().db;
    },
    get activities() {
      return ready().activities;
    },
  };
}

/** What a handler or mapper throws on a payload that breaks an invariant. */
export const INVALID_PAYLOAD = { type: 'InvalidStripePayload', nonRetryable: true } as const;

/**
 * The vendored event in `file` sent as another `type`: e.g. invoice_paid.json's 2020-era invoice as
 * an `invoice.payment_failed`. Built by fixtureEvent(file, overrides), so its id is fresh unless
 * given and its status is the one fixtureEvent gives for the file's own type, not for `type`: pass
 * `overrides.object.status` wherever the status matters.
 */
export function fixtureEventAs(type: string, file: string, overrides: FixtureOverrides = {}): StripeEvent {
  return { ...fixtureEvent(file, overrides), type };
}

/**
 * A builder of events about the 2020-era object in `file`, each under its own event id and type,
 * the object renamed `objectId` and set to `status`: one object's life as separate events.
 */
export function objectEvents(file: string) {
  return (id: string, type: string, created: number, objectId: string, status: string): StripeEvent =>
    fixtureEventAs(type, file, { id, created, object: { id: objectId, status } });
}

/** The row of `table` with this id, if any. */
export async function rowById<T extends PgTable & { id: AnyPgColumn }>(
  db: Database,
  table: T,
  id: string,
): Promise<T['$inferSelect'] | undefined> {
  const source: PgTable = table;
  const rows = (await db.select().from(source).where(eq(table.id, id))) as T['$inferSelect'][];
  return rows[0];
}

/** The ledger rows of one event: none, or one. */
export function ledgerRows(db: Database, eventId: string) {
  return db.select().from(stripeEvents).where(eq(stripeEvents.id, eventId));
}

/** The messages queued in the outbox about one Stripe object. */
export function notificationsFor(db: Database, objectId: string) {
  return db.select().from(notifications).where(eq(notifications.objectId, objectId));
}

/** Asserts the ledger recorded `eventId` exactly once, with this outcome. */
export async function assertLedgerOutcome(
  db: Database,
  eventId: string,
  outcome: Outcome,
  message = `ledger outcome of ${eventId}`,
): Promise<void> {
  assert.deepEqual(
    (await ledgerRows(db, eventId)).map((row) => row.outcome),
    [outcome],
    message,
  );
}

/**
 * Runs `apply` on `event` twice and asserts the first run applied it and the second only reported
 * the ledger's record of it, leaving one ledger row. `beforeReplay` runs between the two.
 */
export async function assertAppliedOnce(
  db: Database,
  apply: (event: StripeEvent) => Promise<HandlerResult>,
  event: StripeEvent,
  handler: string,
  beforeReplay?: () => void,
): Promise<void> {
  const first = await apply(event);
  assert.deepEqual(first, {
    eventId: event.id,
    handler,
    outcome: 'applied',
    alreadyRecorded: false,
    refetched: false,
  });
  beforeReplay?.();
  const again = await apply(event);
  assert.deepEqual(again, { ...first, alreadyRecorded: true });
  assert.deepEqual(
    (await ledgerRows(db, event.id)).map((row) => [row.handler, row.outcome]),
    [[handler, 'applied']],
    'one ledger row',
  );
}

/** Asserts `applying` fails as an invalid payload and its transaction left no ledger row. */
export async function assertRejectedAsInvalid(
  db: Database,
  applying: Promise<unknown>,
  eventId: string,
): Promise<void> {
  await assert.rejects(applying, INVALID_PAYLOAD);
  assert.deepEqual(await ledgerRows(db, eventId), [], 'a failed transaction leaves no ledger row behind');
}

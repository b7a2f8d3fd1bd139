/**
 * What every fault test shares: the size of the run (fast in `npm test`, full with FAULTS_FULL=1,
 * i.e. `npm run faults`), a stream of events that each write their own mirror row, the system
 * under test with its cleanup (startFaultStack, cleanupAfter), and the check made after the fault
 * has cleared:
 *
 * 1. every event was acknowledged (the sender retried until it got a 2xx);
 * 2. every workflow of the test's task queue completed, none failed, timed out or was terminated,
 *    and there is exactly one run per event;
 * 3. every handled event has exactly one ledger row, outcome `applied`, and nothing else is there;
 * 4. the mirror agrees with the ledger: each event's object row exists and was written by that
 *    event, no table holds rows no event wrote, and the outbox holds exactly one message per event
 *    that asks for one.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import { connectClient } from '../../common/temporal-connection';
import type { StripeEvent } from '../../common/stripe-event';
import type { Database } from '../../db/client';
import { fixtureEvent } from '../../dev/fixtures';
import { createTestDatabase, query } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import type { Attempt, DeliveryReport } from '../helpers/load-generator';
import { attemptSummary, deliverLikeStripe } from '../helpers/load-generator';
import { logTail, startIngressProcess, startWorkerProcess } from '../helpers/processes';
import type { IngressProcess, IngressProcessOptions, ServiceProcess } from '../helpers/processes';
import { startTcpProxy } from '../helpers/tcp-proxy';
import { testTemporalAddress, testTemporalConfig, uniqueTaskQueue } from '../helpers/test-env';
import type { TcpProxy } from '../helpers/tcp-proxy';

export const FULL = process.env.FAULTS_FULL === '1';

// From test-env.ts, not helpers/temporal.ts: these test processes never load the worker runtime.
export { testTemporalAddress, testTemporalConfig, uniqueTaskQueue };

/** `fast` in `npm test`, `full` in `npm run faults`. */
export function size<T>(fast: T, full: T): T {
  return FULL ? full : fast;
}

export const FAULT_SECRET = 'whsec_fault_injection_secret';

interface EventKind {
  type: string;
  /** The mirror table the event's object lands in; none for a type without a handler. */
  table?: string;
  /** The event queues one outbox message. */
  notifies?: boolean;
  /** The fixture type the event is built from, when no fixture has its own type. */
  from?: string;
}

/** One of each handler family, plus a type with no handler (completes as ignored, no ledger row). */
const KINDS: EventKind[] = [
  { type: 'customer.updated', table: 'customers' },
  { type: 'customer.subscription.updated', table: 'subscriptions' },
  { type: 'invoice.payment_failed', table: 'invoices', notifies: true },
  { type: 'payment_intent.succeeded', table: 'payment_intents' },
  { type: 'charge.succeeded', table: 'charges' },
  { type: 'refund.created', table: 'refunds' },
  { type: 'charge.dispute.created', table: 'disputes' },
  { type: 'checkout.session.completed', table: 'checkout_sessions' },
  { type: 'product.created', table: 'products' },
  { type: 'payout.paid', from: 'product.created' },
];

export interface FaultEvent {
  event: StripeEvent;
  kind: EventKind;
  objectId: string;
}

/** The events that have a handler: each must end with one `applied` ledger row. */
export function handledEvents(sent: FaultEvent[]): FaultEvent[] {
  return sent.filter(({ kind }) => kind.table !== undefined);
}

/** `count` events cycling through KINDS, each about a fresh object, so each one is `applied`. */
export function faultEvents(count: number): FaultEvent[] {
  return Array.from({ length: count }, (_, index) => {
    const kind = KINDS[index % KINDS.length]!;
    const objectId = `obj_fault_${randomBytes(8).toString('hex')}`;
    const event = fixtureEvent(kind.from ?? kind.type, { object: { id: objectId } });
    return { event: { ...event, type: kind.type }, kind, objectId };
  });
}

export interface Outcome {
  events: number;
  acknowledged: number;
  attempts: Record<string, number>;
  ledgerRows: number;
  duplicates: number;
  failed: number;
  /** From the first POST until the last workflow completed. */
  elapsedMs: number;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function countWorkflows(client: Client, taskQueue: string, status?: string): Promise<number> {
  const filter = status ? ` AND ExecutionStatus="${status}"` : '';
  const { count } = await client.workflow.count(`TaskQueue="${taskQueue}"${filter}`);
  return count;
}

/** Fails at once, with the reason and the end of its log, if a process of the test has died. */
export async function assertAlive(processes: ServiceProcess[]): Promise<void> {
  for (const service of processes) {
    if (service.isRunning()) continue;
    assert.fail(`${service.name} died during the run (${await service.exited}):\n${logTail(service, 8)}`);
  }
}

/** Waits until no workflow of the task queue is running and every event has its run. */
export async function waitForWorkflows(
  client: Client,
  taskQueue: string,
  expected: number,
  timeoutMs: number,
  processes: ServiceProcess[] = [],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    await assertAlive(processes);
    const [all, running] = await Promise.all([
      countWorkflows(client, taskQueue),
      countWorkflows(client, taskQueue, 'Running'),
    ]);
    if (all >= expected && running === 0) return;
    last = `${all} of ${expected} started, ${running} running`;
    await sleep(500);
  }
  throw new Error(`workflows of ${taskQueue} not done after ${timeoutMs} ms: ${last}`);
}

/** The four checks of the header, after waiting for the workflows. Returns the figures. */
export async function assertExactlyOnce(args: {
  db: Database;
  client: Client;
  taskQueue: string;
  sent: FaultEvent[];
  report: DeliveryReport;
  startedAt: number;
  settleTimeoutMs?: number;
  /** The test's processes that must still be running: a crash fails the check at once. */
  processes?: ServiceProcess[];
}): Promise<Outcome> {
  const { db, client, taskQueue, sent, report } = args;
  assert.deepEqual(report.unacknowledged, [], 'every event is acknowledged once the sender has retried');
  assert.equal(report.acknowledged.size, sent.length);

  await waitForWorkflows(client, taskQueue, sent.length, args.settleTimeoutMs ?? 120_000, args.processes);
  const elapsedMs = Date.now() - args.startedAt;
  const failed = await countWorkflows(client, taskQueue, 'Failed');
  assert.equal(failed, 0, 'no workflow failed');
  assert.equal(await countWorkflows(client, taskQueue), sent.length, 'one run per event, no more');
  assert.equal(
    await countWorkflows(client, taskQueue, 'Completed'),
    sent.length,
    'every run completed (none timed out, was terminated or is still running)',
  );

  const handled = handledEvents(sent);
  const ledger = await query<{ id: string; outcome: string; n: number }>(
    db,
    sql`select id, min(outcome) as outcome, count(*)::int as n from stripe_events group by id`,
  );
  const duplicates = ledger.filter((row) => row.n !== 1).length;
  assert.equal(duplicates, 0, 'no event id has more than one ledger row');
  const byId = new Map(ledger.map((row) => [row.id, row.outcome]));
  const missing = handled
    .filter(({ event }) => byId.get(event.id) !== 'applied')
    .map(({ event }) => event.id);
  assert.deepEqual(
    missing.slice(0, 10),
    [],
    `${missing.length} handled events lack their applied ledger row`,
  );
  assert.equal(ledger.length, handled.length, 'the ledger holds the handled events and nothing else');

  await assertMirrorAgrees(db, handled);
  return {
    events: sent.length,
    acknowledged: report.acknowledged.size,
    attempts: attemptSummary(report.attempts),
    ledgerRows: ledger.length,
    duplicates,
    failed,
    elapsedMs,
  };
}

async function assertMirrorAgrees(db: Database, handled: FaultEvent[]): Promise<void> {
  const tables = [...new Set(handled.map(({ kind }) => kind.table!))];
  for (const table of tables) {
    const expected = handled.filter(({ kind }) => kind.table === table);
    const rows = await query<{ id: string; source_event_id: string }>(
      db,
      sql`select id, source_event_id from ${sql.identifier(table)}`,
    );
    const writer = new Map(rows.map((row) => [row.id, row.source_event_id]));
    const wrong = expected.filter(({ event, objectId }) => writer.get(objectId) !== event.id);
    assert.equal(wrong.length, 0, `${table}: ${wrong.length} objects not written by their event`);
    assert.equal(rows.length, expected.length, `${table}: no row that no event wrote`);
  }
  const notifying = handled.filter(({ kind }) => kind.notifies);
  const outbox = await query<{ event_id: string; n: number }>(
    db,
    sql`select event_id, count(*)::int as n from notifications group by event_id`,
  );
  const perEvent = new Map(outbox.map((row) => [row.event_id, row.n]));
  assert.ok(
    notifying.every(({ event }) => perEvent.get(event.id) === 1),
    'one outbox message per event that asks for one',
  );
  assert.equal(outbox.length, notifying.length, 'no outbox message for any other event');
}

/** One line for the test report. */
export function describeOutcome(outcome: Outcome, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...outcome, ...extra });
}

/**
 * What a describe block started, undone last-in first-out by one `after` hook. A failing step
 * does not keep the others from running: a test that failed half-way still drops its database and
 * stops its processes.
 */
export interface Cleanup {
  defer(step: () => Promise<unknown>): void;
}

/** Call inside `describe`: registers the `after` hook that runs every deferred step. */
export function cleanupAfter(): Cleanup {
  const steps: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const step of steps.reverse()) await step().catch(() => undefined);
  });
  return { defer: (step) => steps.push(step) };
}

/** A client of the Temporal server at `address`, its connection closed at cleanup. */
export async function connectTestClient(cleanup: Cleanup, address: string): Promise<Client> {
  const client = await connectClient(testTemporalConfig({ address }));
  cleanup.defer(() => client.connection.close());
  return client;
}

/** Ledger rows so far: one per applied event. */
export async function appliedCount(db: Database): Promise<number> {
  return Number((await query<{ n: number }>(db, sql`select count(*)::int as n from stripe_events`))[0]?.n);
}

/** The ids in the ledger now. */
export async function ledgerIds(db: Database): Promise<Set<string>> {
  return new Set((await query<{ id: string }>(db, sql`select id from stripe_events`)).map((row) => row.id));
}

/** A TCP proxy the test controls in front of `databaseUrl` (closed at cleanup), and the URL through it. */
export async function proxiedDatabase(
  cleanup: Cleanup,
  databaseUrl: string,
): Promise<{ proxy: TcpProxy; url: string }> {
  const target = new URL(databaseUrl);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  cleanup.defer(() => proxy.close());
  const viaProxy = new URL(databaseUrl);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  return { proxy, url: viaProxy.toString() };
}

export interface FaultStackOptions {
  /** Names the task queue (`fault-<name>`) and the processes (`worker-<name>`, `ingress-<name>`). */
  name: string;
  /** How many events the test sends (faultEvents). */
  events: number;
  /** The Temporal server; the one test/run.ts started by default. */
  address?: string;
  /** Puts a TCP proxy the test controls between the worker and Postgres. */
  proxy?: boolean;
  /** Ingress options beyond the shared secret. */
  ingress?: Omit<IngressProcessOptions, 'secret'>;
}

/**
 * A fault test's system and its events: a fresh database, a Temporal client, one worker process
 * and one ingress process on a task queue of its own. The test may replace `worker` (a crash and
 * restart) or call `reconnect()` (a restarted server): cleanup stops and closes whatever is
 * current at the end.
 */
export interface FaultStack {
  address: string;
  taskQueue: string;
  database: TestDatabase;
  client: Client;
  worker: ServiceProcess;
  ingress: IngressProcess;
  /** The test's events, and how many of them have a handler (an `applied` ledger row each). */
  sent: FaultEvent[];
  handled: number;
  /** Ledger rows so far: one per applied event (a function property: tests destructure it). */
  applied: () => Promise<number>;
  /** A new connection and client, for after the Temporal server has been restarted. */
  reconnect(): Promise<void>;
  /** Delivers `sent` like Stripe to the ingress: retries until a 2xx, 4 at a time, 10 ms apart. */
  deliver(onAttempt?: (attempt: Attempt) => void): Promise<DeliveryReport>;
  /** assertExactlyOnce of `sent`, failing at once if the current worker or the ingress has died. */
  assertExactlyOnce(args: {
    report: DeliveryReport;
    startedAt: number;
    settleTimeoutMs?: number;
  }): Promise<Outcome>;
}

export function startFaultStack(
  cleanup: Cleanup,
  options: FaultStackOptions & { proxy: true },
): Promise<FaultStack & { proxy: TcpProxy }>;
export function startFaultStack(cleanup: Cleanup, options: FaultStackOptions): Promise<FaultStack>;
export async function startFaultStack(
  cleanup: Cleanup,
  options: FaultStackOptions,
): Promise<FaultStack & { proxy?: TcpProxy }> {
  const address = options.address ?? testTemporalAddress();
  const sent = faultEvents(options.events);
  const taskQueue = uniqueTaskQueue(`fault-${options.name}`);
  const database = await createTestDatabase();
  cleanup.defer(() => database.drop());
  let client = await connectClient(testTemporalConfig({ address }));
  cleanup.defer(() => client.connection.close());

  let proxy: TcpProxy | undefined;
  let workerDatabaseUrl = database.url;
  if (options.proxy) ({ proxy, url: workerDatabaseUrl } = await proxiedDatabase(cleanup, database.url));

  // Each stop is deferred as soon as its process runs, so a failed start leaves no process behind.
  let worker = await startWorkerProcess(
    `worker-${options.name}`,
    { address, taskQueue, client },
    workerDatabaseUrl,
  );
  cleanup.defer(() => worker.stop());
  const ingress = await startIngressProcess(
    `ingress-${options.name}`,
    { address, taskQueue },
    { ...options.ingress, secret: FAULT_SECRET },
  );
  cleanup.defer(() => ingress.stop());

  const stack: FaultStack & { proxy?: TcpProxy } = {
    address,
    taskQueue,
    database,
    client,
    proxy,
    get worker() {
      return worker;
    },
    set worker(replacement) {
      worker = replacement;
    },
    ingress,
    sent,
    handled: handledEvents(sent).length,
    applied: () => appliedCount(database.db),
    async reconnect() {
      await client.connection.close();
      client = await connectClient(testTemporalConfig({ address }));
      stack.client = client;
    },
    deliver: (onAttempt) =>
      deliverLikeStripe(
        sent.map(({ event }) => event),
        {
          urls: [ingress.webhookUrl],
          secret: FAULT_SECRET,
          concurrency: 4,
          spacingMs: 10,
          deadlineMs: 300_000,
          ...(onAttempt ? { onAttempt } : {}),
        },
      ),
    assertExactlyOnce: (args) =>
      assertExactlyOnce({
        ...args,
        sent,
        db: database.db,
        client: stack.client,
        taskQueue,
        processes: [worker, ingress],
      }),
  };
  return stack;
}

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import { CURRENT_PROCESS_OPTIONS, PROCESS_STRIPE_EVENT } from '../../common/event-workflow';
import type { ProcessStripeEvent } from '../../common/event-workflow';
import { failureMessage } from '../../common/failure-message';
import { StripeOutcome } from '../../common/search-attributes';
import type { StripeEvent } from '../../common/stripe-event';
import type { temporal as proto } from '@temporalio/proto';
import { handlerPauses } from '../../db/schema';
import { fixtureEvent } from '../../dev/fixtures';
import type { ProcessResult } from '../../workflows';
import { createTestDatabase } from '../helpers/db';
import { eventTypes, localActivityAttempts } from '../helpers/history';
import type { TestDatabase } from '../helpers/db';
import { assertLedgerOutcome, ledgerRows } from '../helpers/events';
import { waitFor } from '../helpers/stack';
import { connectTestTemporal } from '../helpers/temporal';
import type { TestTemporal } from '../helpers/temporal';

type PendingActivity = proto.api.workflow.v1.IPendingActivityInfo;

let sequence = 0;
/** A customer event about a customer of its own, with a fresh event id (the workflow id). */
function customerEvent(type = 'customer.created'): StripeEvent {
  sequence += 1;
  const event = fixtureEvent('customer.created', {
    created: 1_700_000_000 + sequence,
    object: { id: `cus_wf_${sequence}`, email: 'jenny@example.com' },
  });
  return { ...event, type };
}

describe('processStripeEvent on a real dev server', () => {
  let database: TestDatabase;
  let temporal: TestTemporal;
  let stopWorker: () => Promise<void>;

  before(async () => {
    database = await createTestDatabase();
    temporal = await connectTestTemporal('workflow-test');
    const { worker, running } = await temporal.startWorker(database.db);
    stopWorker = async () => {
      worker.shutdown();
      await running;
    };
  });
  after(async () => {
    await stopWorker();
    await temporal.close();
    await database.drop();
  });

  function start(event: StripeEvent) {
    return temporal.client.workflow.start<ProcessStripeEvent>(PROCESS_STRIPE_EVENT, {
      workflowId: event.id,
      taskQueue: temporal.config.taskQueue,
      args: [event, CURRENT_PROCESS_OPTIONS],
    });
  }

  /** The first pending activity once `ready` says so: what the Web UI's Pending Activities tab shows. */
  function pendingActivity(
    handle: Awaited<ReturnType<typeof start>>,
    what: string,
    ready: (activity: PendingActivity) => boolean,
  ) {
    return waitFor(async () => {
      const activity = (await handle.describe()).raw.pendingActivities?.[0];
      return activity && ready(activity) ? activity : undefined;
    }, what);
  }

  function execute(event: StripeEvent): Promise<ProcessResult> {
    return temporal.client.workflow.execute<ProcessStripeEvent>(PROCESS_STRIPE_EVENT, {
      workflowId: event.id,
      taskQueue: temporal.config.taskQueue,
      args: [event, CURRENT_PROCESS_OPTIONS],
    });
  }

  it('routes an event to its handler and reports the outcome', async () => {
    const event = customerEvent();
    const result = await execute(event);
    assert.deepEqual(result, {
      eventId: event.id,
      eventType: 'customer.created',
      outcome: 'applied',
      handler: 'applyCustomerEvent',
      alreadyRecorded: false,
      refetched: false,
    });
    await assertLedgerOutcome(database.db, event.id, 'applied');
  });

  it('completes an event type without a handler as ignored, touching nothing', async () => {
    const event = customerEvent('customer.source.created');
    const result = await execute(event);
    assert.equal(result.outcome, 'ignored');
    assert.deepEqual(await ledgerRows(database.db, event.id), []);
  });

  it('fails at once with a named non-retryable error when the payload breaks an invariant', async () => {
    const event = customerEvent();
    event.data.object = { id: 'ch_not_a_customer', object: 'charge' };
    const failure = await execute(event).then(
      () => assert.fail('the workflow should have failed'),
      (err: unknown) => err,
    );
    assert.ok(failure instanceof WorkflowFailedError, 'WorkflowFailedError');
    // A local activity's failure is the handler's own (no ActivityFailure around it, unlike the
    // first release's), so `ops status` shows its message directly.
    assert.ok(failure.cause instanceof ApplicationFailure, "caused by the handler's ApplicationFailure");
    assert.equal(failure.cause.type, 'InvalidStripePayload');
    assert.equal(failure.cause.nonRetryable, true);
    const history = await temporal.client.workflow.getHandle(event.id).fetchHistory();
    assert.deepEqual(localActivityAttempts(history), [1], 'no retry of a permanent failure');
    assert.ok(
      !eventTypes(history).includes('ActivityTaskScheduled'),
      'and no fallback to the regular activity',
    );
  });

  it('applies a successful event in one workflow task and 7 history events, with no activity task', async () => {
    const event = customerEvent();
    assert.equal((await execute(event)).outcome, 'applied');
    const history = await temporal.client.workflow.getHandle(event.id).fetchHistory();
    assert.deepEqual(eventTypes(history), [
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'MarkerRecorded', // the handler's local activity, attempt 1
      'UpsertWorkflowSearchAttributes', // StripeOutcome
      'WorkflowExecutionCompleted',
    ]);
    assert.deepEqual(localActivityAttempts(history), [1]);
  });

  it('runs a start without options (a starter from before version 2) as the first release did', async () => {
    const event = customerEvent();
    const result = await temporal.client.workflow.execute<ProcessStripeEvent>(PROCESS_STRIPE_EVENT, {
      workflowId: event.id,
      taskQueue: temporal.config.taskQueue,
      args: [event],
    });
    assert.equal(result.outcome, 'applied');
    const history = await temporal.client.workflow.getHandle(event.id).fetchHistory();
    assert.ok(eventTypes(history).includes('ActivityTaskScheduled'), 'the handler as a regular activity');
    assert.deepEqual(localActivityAttempts(history), [], 'no local activity');
    await assertLedgerOutcome(database.db, event.id, 'applied');
  });

  it('retries a transient failure as a visible pending activity, then completes once it clears', async () => {
    // A real outage of one table: every attempt fails in Postgres until it is back.
    await database.db.execute(sql`alter table customers rename to customers_away`);
    const event = customerEvent();
    const handle = await start(event);
    try {
      const pending = await pendingActivity(
        handle,
        'a pending activity on its second attempt',
        (activity) => (activity.attempt ?? 0) >= 2,
      );
      assert.equal(pending.activityType?.name, 'applyCustomerEvent');
      // Encrypted in history ("Encoded failure"); readable through the client's codec.
      assert.equal(pending.lastFailure?.message, 'Encoded failure');
      assert.match((await failureMessage(temporal.client, pending.lastFailure)) ?? '', /customers/);
      assert.equal((await handle.describe()).status.name, 'RUNNING');
    } finally {
      await database.db.execute(sql`alter table customers_away rename to customers`);
    }
    const result = await handle.result();
    assert.equal(result.outcome, 'applied');
    await assertLedgerOutcome(database.db, event.id, 'applied', 'failed attempts left nothing half-written');
  });
  async function outcomeOf(eventId: string): Promise<string | undefined> {
    const description = await temporal.client.workflow.getHandle(eventId).describe();
    return description.typedSearchAttributes.get(StripeOutcome);
  }

  it('records the outcome as the StripeOutcome search attribute, filterable in visibility', async () => {
    const applied = customerEvent();
    await execute(applied);
    const stale = { ...customerEvent(), created: 1_600_000_000 };
    stale.data.object = { ...stale.data.object, id: applied.data.object.id };
    assert.equal((await execute(stale)).outcome, 'stale');
    const ignored = customerEvent('customer.source.created');
    await execute(ignored);
    const failed = customerEvent();
    failed.data.object = { id: 'ch_not_a_customer', object: 'charge' };
    await execute(failed).catch(() => undefined);

    assert.equal(await outcomeOf(applied.id), 'applied');
    assert.equal(await outcomeOf(stale.id), 'stale');
    assert.equal(await outcomeOf(ignored.id), 'ignored');
    assert.equal(await outcomeOf(failed.id), 'failed');
    // What an operator types in the Web UI: visibility is eventually consistent, so wait for it.
    const found = await waitFor(async () => {
      const ids: string[] = [];
      for await (const execution of temporal.client.workflow.list({
        query: `StripeOutcome = "stale" AND TaskQueue = "${temporal.config.taskQueue}"`,
      })) {
        ids.push(execution.workflowId);
      }
      return ids.includes(stale.id) ? ids : undefined;
    }, 'the stale event in a StripeOutcome query');
    assert.ok(!found.includes(applied.id));
  });

  it('holds the events of a paused handler as running, with HandlerPaused as the last failure, until resumed', async () => {
    await database.db
      .insert(handlerPauses)
      .values({ handler: 'applyCustomerEvent', reason: 'investigating' });
    const event = customerEvent();
    const handle = await start(event);
    try {
      const pending = await pendingActivity(
        handle,
        'a pending activity with a failure',
        (activity) => activity.lastFailure != null,
      );
      assert.equal(pending.lastFailure?.applicationFailureInfo?.type, 'HandlerPaused');
      assert.match(
        (await failureMessage(temporal.client, pending.lastFailure)) ?? '',
        /applyCustomerEvent is paused: investigating/,
      );
      assert.deepEqual(await ledgerRows(database.db, event.id), [], 'nothing applied while paused');
    } finally {
      await database.db.delete(handlerPauses);
    }
    const result = await handle.result();
    assert.equal(result.outcome, 'applied');
  });
});

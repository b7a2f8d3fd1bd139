import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { WorkflowNotFoundError } from '@temporalio/client';
import { fixtureEvent } from '../../dev/fixtures';
import { reconcileCursors } from '../../db/schema';
import type { ProcessResult } from '../../workflows';
import { ensureReconcileSchedule } from '../../worker/reconcile-schedule';
import { waitFor } from '../helpers/stack';
import { deliver, startOpsStack } from '../helpers/ops-stack';
import type { OpsStack } from '../helpers/ops-stack';

const INTERVAL_SECONDS = 3;

describe('continuous reconciliation (the reconcile schedule)', () => {
  let stack: OpsStack;
  let scheduleId: string;
  before(async () => {
    stack = await startOpsStack('ops-reconcile');
    await stack.startWorker({ withStripeApi: true });
    const options = { taskQueue: stack.temporal.config.taskQueue, intervalSeconds: INTERVAL_SECONDS };
    scheduleId = await ensureReconcileSchedule(stack.temporal.client, options);
    // A second worker starting (or a restart) finds the schedule and converges on it.
    assert.equal(await ensureReconcileSchedule(stack.temporal.client, options), scheduleId);
  });
  after(async () => {
    await stack.temporal.client.schedule.getHandle(scheduleId).delete();
    await stack.stop();
  });

  async function processedWithin(eventId: string, ms: number): Promise<ProcessResult> {
    return waitFor(
      async () => {
        try {
          return (await stack.temporal.client.workflow.getHandle(eventId).result()) as ProcessResult;
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return undefined;
          throw err;
        }
      },
      `${eventId} to be started by reconciliation`,
      ms,
    );
  }

  it('has one schedule at the configured interval', async () => {
    const description = await stack.temporal.client.schedule.getHandle(scheduleId).describe();
    assert.equal(description.spec.intervals?.[0]?.every, INTERVAL_SECONDS * 1000);
    assert.equal(description.action.type, 'startWorkflow');
  });

  it('catches an event that was never delivered within one interval', async () => {
    const missed = fixtureEvent('customer.created', { created: Math.floor(Date.now() / 1000) });
    stack.fake.addEvent(missed, { delivered: false });
    const added = Date.now();
    const result = await processedWithin(missed.id, (INTERVAL_SECONDS + 30) * 1000);
    assert.equal(result.outcome, 'applied');
    // Started by the first pass after the event appeared: one interval at most, plus that pass's
    // own listing and start (processing time, which depends on the machine's load, is not counted).
    const { startTime } = await stack.temporal.client.workflow.getHandle(missed.id).describe();
    const caughtAfter = startTime.getTime() - added;
    assert.ok(caughtAfter < INTERVAL_SECONDS * 1000 + 3000, `started ${caughtAfter} ms after it appeared`);
    const [cursor] = await stack.database.db
      .select()
      .from(reconcileCursors)
      .where(eq(reconcileCursors.name, 'stripe-events'));
    assert.ok(cursor && cursor.created >= missed.created - 1, 'the cursor moved past the event');
  });

  it('leaves delivered events to the webhook, and waits out a 429', async () => {
    const delivered = fixtureEvent('customer.created', { created: Math.floor(Date.now() / 1000) });
    stack.fake.addEvent(delivered, { delivered: true });
    await deliver(stack, [delivered]);
    const firstRun = (await stack.temporal.client.workflow.getHandle(delivered.id).describe()).runId;

    const seen = stack.fake.requests.length;
    stack.fake.rateLimitNext(2, 1);
    const missed = fixtureEvent('customer.updated', { created: Math.floor(Date.now() / 1000) });
    stack.fake.addEvent(missed, { delivered: false });
    await processedWithin(missed.id, (2 * INTERVAL_SECONDS + 10) * 1000);
    const statuses = stack.fake.requests.slice(seen).map((request) => request.status);
    assert.deepEqual(statuses.slice(0, 3), [429, 429, 200], 'the pass waited out both 429s and went on');
    const description = await stack.temporal.client.workflow.getHandle(delivered.id).describe();
    assert.equal(description.runId, firstRun, 'the delivered event was not started again');
    const { count } = await stack.temporal.client.workflow.count(
      `WorkflowId="${delivered.id}" OR WorkflowId="${missed.id}"`,
    );
    assert.equal(count, 2, 'one run each');
  });
});

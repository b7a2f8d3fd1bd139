/**
 * The local activity path's safety net: a handler that ran as a local activity can run again when
 * its workflow task is lost before completing (worker crash, task timeout). The ledger must make
 * the second run change nothing. A real worker with a test interceptor loses exactly that task.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { CURRENT_PROCESS_OPTIONS, PROCESS_STRIPE_EVENT } from '../../common/event-workflow';
import type { ProcessStripeEvent } from '../../common/event-workflow';
import { createDataConverter } from '../../common/data-converter';
import { connectNativeConnection } from '../../common/temporal-connection';
import { fixtureEvent } from '../../dev/fixtures';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { assertLedgerOutcome, notificationsFor } from '../helpers/events';
import { eventTypes, localActivityAttempts } from '../helpers/history';
import { connectTestTemporal } from '../helpers/temporal';
import type { TestTemporal } from '../helpers/temporal';

describe('a handler whose workflow task is lost after its local activity succeeded', () => {
  let database: TestDatabase;
  let temporal: TestTemporal;
  let worker: Worker;
  let running: Promise<void>;

  before(async () => {
    database = await createTestDatabase();
    temporal = await connectTestTemporal('local-first');
    worker = await Worker.create({
      connection: await connectNativeConnection(temporal.config),
      namespace: temporal.config.namespace,
      taskQueue: temporal.config.taskQueue,
      dataConverter: createDataConverter(temporal.config.payloadKeys),
      workflowsPath: require.resolve('../../workflows'),
      interceptors: { workflowModules: [require.resolve('./interceptors/lose-first-task')] },
      activities: createActivities({ db: database.db }),
    });
    running = worker.run();
  });
  after(async () => {
    worker.shutdown();
    await running;
    await temporal.close();
    await database.drop();
  });

  it('runs the handler again in the retried task, which changes nothing and reports alreadyRecorded', async () => {
    // invoice.payment_failed writes an outbox message too: a second one would be a double notification.
    const event = fixtureEvent('invoice.payment_failed', { object: { id: 'in_lost_task' } });
    const result = await temporal.client.workflow.execute<ProcessStripeEvent>(PROCESS_STRIPE_EVENT, {
      workflowId: event.id,
      taskQueue: temporal.config.taskQueue,
      args: [event, CURRENT_PROCESS_OPTIONS],
    });
    assert.equal(result.outcome, 'applied');
    assert.equal(result.alreadyRecorded, true, 'the second run found the ledger row of the first');

    const history = await temporal.client.workflow.getHandle(event.id).fetchHistory();
    const types = eventTypes(history);
    assert.equal(types.filter((type) => type === 'WorkflowTaskFailed').length, 1, 'the first task was lost');
    assert.deepEqual(localActivityAttempts(history), [1], 'only the retried task recorded its marker');
    await assertLedgerOutcome(database.db, event.id, 'applied', 'one ledger row');
    assert.equal((await notificationsFor(database.db, 'in_lost_task')).length, 1, 'one outbox message');
  });
});

/**
 * `npm run histories:record-deliveries`: records deliverToSubscriber histories to test/histories/
 * (prefix d1e, encrypted with the test-only key there), which replay.test.ts replays with the rest:
 *   d1e-delivered            the pause check as a local activity, then the subscriber's activity
 *   d1e-paused-then-delivered held by `pause-subscriber` (the regular pause activity), then resumed
 * Record a new set, under a new prefix, whenever the delivery workflow changes what it records.
 */
import { Worker } from '@temporalio/worker';
import { createDataConverter } from '../../common/data-converter';
import { subscriberWorkflowId } from '../../common/subscriber-contract';
import { parseSubscriptions } from '../../common/subscriptions';
import { connectNativeConnection } from '../../common/temporal-connection';
import { subscriberPauses } from '../../db/schema';
import { startDevServer } from '../../dev/dev-server';
import { fixtureEvent } from '../../dev/fixtures';
import { createTestDatabase } from '../helpers/db';
import { startTestIngress } from '../helpers/ingress';
import { prepareRecording } from '../helpers/recorded-histories';
import { waitFor } from '../helpers/stack';
import { connectTestTemporal, uniqueTaskQueue } from '../helpers/temporal';

const VERSION = 'd1e';

async function main(): Promise<void> {
  const recorder = prepareRecording(VERSION);
  const server = await startDevServer();
  process.env.TEST_TEMPORAL_ADDRESS = server.address;
  const database = await createTestDatabase();
  const temporal = await connectTestTemporal('record-deliveries');
  const subscriberQueue = uniqueTaskQueue('recorded-subscriber');
  const connection = await connectNativeConnection(temporal.config);
  const subscriberWorker = await Worker.create({
    connection,
    namespace: temporal.config.namespace,
    taskQueue: subscriberQueue,
    dataConverter: createDataConverter(temporal.config.payloadKeys),
    activities: { receive: () => Promise.resolve({ received: true }) },
  });
  const subscriberRunning = subscriberWorker.run();
  const subscribers = parseSubscriptions({
    subscribers: [
      { name: 'recorded', eventTypes: ['invoice.*'], taskQueue: subscriberQueue, activity: 'receive' },
    ],
  });
  const { worker, running } = await temporal.startWorker(database.db, { subscribers });
  const ingress = await startTestIngress(temporal.client, temporal.config.taskQueue);
  const record = async (name: string, workflowId: string): Promise<void> => {
    await temporal.client.workflow.getHandle(workflowId).result();
    await recorder.save(server.address, name, workflowId);
  };
  try {
    const delivered = fixtureEvent('invoice.paid');
    await ingress.post(delivered);
    await temporal.client.workflow.getHandle(delivered.id).result(); // the delivery exists once it is done
    await record('delivered', subscriberWorkflowId('recorded', delivered.id));

    await database.db.insert(subscriberPauses).values({ subscriber: 'recorded', reason: 'recording' });
    const held = fixtureEvent('invoice.paid', { created: delivered.created + 1 });
    await ingress.post(held);
    await temporal.client.workflow.getHandle(held.id).result();
    const heldId = subscriberWorkflowId('recorded', held.id);
    await waitFor(async () => {
      const pending = (await temporal.client.workflow.getHandle(heldId).describe()).raw
        .pendingActivities?.[0];
      return pending?.lastFailure ? pending : undefined;
    }, 'the held delivery as a pending activity');
    await database.db.delete(subscriberPauses);
    await record('paused-then-delivered', heldId);
  } finally {
    await ingress.close();
    worker.shutdown();
    subscriberWorker.shutdown();
    await Promise.all([running, subscriberRunning]);
    await connection.close();
    await temporal.close();
    await database.drop();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { StripeApi } from '../../common/stripe-api';
import type { Subscriber } from '../../common/subscriber-contract';
import type { Database } from '../../db/client';
import { connectClient, connectNativeConnection } from '../../common/temporal-connection';
import type { TemporalConfig } from '../../common/temporal-connection';
import { createStripeWorker } from '../../worker/create-worker';
import { testTemporalAddress, testTemporalConfig, uniqueTaskQueue } from './test-env';

// Worker lifecycle chatter at INFO drowns the test report; failures still log at WARN.
Runtime.install({
  logger: new DefaultLogger((process.env.TEMPORAL_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN'),
});

export { testTemporalAddress, testTemporalConfig, uniqueTaskQueue };

export interface TestTemporal {
  config: TemporalConfig;
  client: Client;
  /**
   * Starts a real worker on the test's task queue; stop it with `worker.shutdown()`. With
   * `stripeApi`, its handlers re-fetch and apply thin events, as a worker with STRIPE_API_KEY does.
   */
  startWorker(
    db: Database,
    options?: { stripeApi?: StripeApi; subscribers?: Subscriber[] },
  ): Promise<{ worker: Worker; running: Promise<void> }>;
  close(): Promise<void>;
}

export async function connectTestTemporal(taskQueuePrefix: string): Promise<TestTemporal> {
  const config = testTemporalConfig({ taskQueue: uniqueTaskQueue(taskQueuePrefix) });
  const client = await connectClient(config);
  const nativeConnections: NativeConnection[] = [];
  return {
    config,
    client,
    async startWorker(db, { stripeApi, subscribers } = {}) {
      const nativeConnection = await connectNativeConnection(config);
      nativeConnections.push(nativeConnection);
      // The production factory, with the bundle test/run.ts made once for the whole run.
      const worker = await createStripeWorker({
        connection: nativeConnection,
        temporal: config,
        db,
        stripeApi,
        subscribers,
        workflowBundlePath: process.env.TEST_WORKFLOW_BUNDLE,
      });
      const running = worker.run();
      return { worker, running };
    },
    async close() {
      await client.connection.close();
      for (const nativeConnection of nativeConnections) await nativeConnection.close();
    },
  };
}

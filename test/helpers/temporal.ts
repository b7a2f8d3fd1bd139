import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Database } from '../../db/client';
import type { TemporalConfig } from '../../common/config';

// Worker lifecycle chatter at INFO drowns the test report; failures still log at WARN.
Runtime.install({
  logger: new DefaultLogger((process.env.TEMPORAL_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN'),
});

/** The dev server test/run.ts started for this run. */
export function testTemporalAddress(): string {
  const address = process.env.TEST_TEMPORAL_ADDRESS;
  if (!address) {
    throw new Error('TEST_TEMPORAL_ADDRESS is not set: run this tier through `npm test` (test/run.ts)');
  }
  return address;
}

export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export interface TestTemporal {
  config: TemporalConfig;
  client: Client;
  /** Starts a real worker on the test's task queue; stop it with `worker.shutdown()`. */
  startWorker(db: Database, activities?: object): Promise<{ worker: Worker; running: Promise<void> }>;
  close(): Promise<void>;
}

export async function connectTestTemporal(taskQueuePrefix: string): Promise<TestTemporal> {
  const config: TemporalConfig = {
    address: testTemporalAddress(),
    namespace: 'default',
    taskQueue: uniqueTaskQueue(taskQueuePrefix),
  };
  const connection = await Connection.connect({ address: config.address });
  const client = new Client({ connection, namespace: config.namespace });
  const nativeConnections: NativeConnection[] = [];
  return {
    config,
    client,
    async startWorker(db, activities) {
      const nativeConnection = await NativeConnection.connect({ address: config.address });
      nativeConnections.push(nativeConnection);
      const bundle = process.env.TEST_WORKFLOW_BUNDLE;
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace: config.namespace,
        taskQueue: config.taskQueue,
        ...(bundle
          ? { workflowBundle: { codePath: bundle } }
          : { workflowsPath: require.resolve('../../workflows') }),
        activities: activities ?? createActivities({ db }),
      });
      const running = worker.run();
      return { worker, running };
    },
    async close() {
      await connection.close();
      for (const nativeConnection of nativeConnections) await nativeConnection.close();
    },
  };
}

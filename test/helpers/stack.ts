import type { WorkflowHandle } from '@temporalio/client';
import { startDevServer } from '../../dev/dev-server';
import type { ProcessResult } from '../../workflows';
import { createTestDatabase } from './db';
import type { TestDatabase } from './db';
import { startTestIngress } from './ingress';
import type { TestIngress } from './ingress';
import { connectTestTemporal } from './temporal';
import type { TestTemporal } from './temporal';

/** The whole pipeline for one test file: ingress → dev server → worker → its own Postgres database. */
export interface TestStack {
  database: TestDatabase;
  temporal: TestTemporal;
  ingress: TestIngress;
  handle(eventId: string): WorkflowHandle;
  result(eventId: string): Promise<ProcessResult>;
  stop(): Promise<void>;
}

export async function startTestStack(name: string): Promise<TestStack> {
  const database = await createTestDatabase();
  const temporal = await connectTestTemporal(name);
  const { worker, running } = await temporal.startWorker(database.db);
  const ingress = await startTestIngress(temporal.client, temporal.config.taskQueue);
  return {
    database,
    temporal,
    ingress,
    handle: (eventId) => temporal.client.workflow.getHandle(eventId),
    result: (eventId) => temporal.client.workflow.getHandle(eventId).result() as Promise<ProcessResult>,
    async stop() {
      await ingress.close();
      worker.shutdown();
      await running;
      await temporal.close();
      await database.drop();
    },
  };
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * For scripts outside `npm test` (benchmarks, history recording): the same stack on a dev server
 * of its own, which stop() also stops.
 */
export async function startStandaloneStack(name: string): Promise<TestStack & { address: string }> {
  const server = await startDevServer();
  process.env.TEST_TEMPORAL_ADDRESS = server.address;
  try {
    const stack = await startTestStack(name);
    return {
      ...stack,
      address: server.address,
      async stop() {
        await stack.stop();
        await server.stop();
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

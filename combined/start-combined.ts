import { clientOn } from '../common/temporal-connection';
import type { IngressConfig, WorkerConfig } from '../common/config';
import type { Database } from '../db/client';
import { startIngress } from '../ingress/server';
import type { RunningIngress } from '../ingress/server';
import { startWorker } from '../worker/start-worker';
import type { RunningWorker } from '../worker/start-worker';

export interface RunningCombined {
  ingress: RunningIngress;
  worker: RunningWorker;
  /** Stops taking webhooks (in-flight requests finish), then drains the worker and closes the connection. */
  stop(): Promise<void>;
}

/**
 * The ingress and the worker in one process on one NativeConnection, so every start asks for the
 * first workflow task back in its own response (eager start): no round trip through matching,
 * the handler runs as a local activity in that same task, and the event completes in one workflow
 * task. A crash after the 200 loses nothing: the server times the task out (10 s) and hands it to
 * any worker on the queue (test/faults/combined-crash.test.ts).
 *
 * Separate ingress and worker processes (ingress/main.ts, worker/main.ts) remain for scaling them
 * apart; they pay the matching round trip instead.
 */
export async function startCombined(
  ingressConfig: IngressConfig,
  workerConfig: WorkerConfig,
  db: Database,
): Promise<RunningCombined> {
  const worker = await startWorker(workerConfig, db);
  let ingress: RunningIngress;
  try {
    const client = clientOn(worker.connection, workerConfig.temporal);
    ingress = await startIngress(ingressConfig, { client, eagerStart: true });
  } catch (err) {
    await worker.stop();
    throw err;
  }
  return {
    ingress,
    worker,
    async stop() {
      await ingress.stop();
      await worker.stop();
    },
  };
}

import { Runtime } from '@temporalio/worker';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { WorkerConfig } from '../common/config';
import { logger } from '../common/logger';
import { createStripeApi } from '../common/stripe-api';
import { clientOn, connectNativeConnection } from '../common/temporal-connection';
import type { Database } from '../db/client';
import { createStripeWorker } from './create-worker';
import { ensureReconcileSchedule } from './reconcile-schedule';
import { startStuckEventsGauge } from './stuck-events-gauge';

export interface RunningWorker {
  worker: Worker;
  /** The worker's connection; a client on it lets an ingress in this process start eagerly. */
  connection: NativeConnection;
  /** Resolves once the worker has stopped: after SIGINT/SIGTERM (the SDK's runtime drains it) or stop(). */
  running: Promise<void>;
  /** The reconcile schedule, when STRIPE_API_KEY is set. */
  scheduleId: string | undefined;
  /** Stops polling, lets in-flight activities finish, then closes the connection. */
  stop(): Promise<void>;
}

/**
 * The worker as configured: one connection to Temporal, the Stripe API client and the reconcile
 * schedule when STRIPE_API_KEY is set, and the worker polling. Shared by worker/main.ts and
 * `npm start`, like the ingress's startIngress; the caller owns the database (and its migrations).
 */
export async function startWorker(config: WorkerConfig, db: Database): Promise<RunningWorker> {
  const connection = await connectNativeConnection(config.temporal);
  try {
    const stripeApi = config.stripeApi && createStripeApi(config.stripeApi);
    // The reconcile activity starts missed events on this client, over the worker's own connection.
    const client = stripeApi ? clientOn(connection, config.temporal) : undefined;
    const scheduleId =
      client &&
      (await ensureReconcileSchedule(client, {
        taskQueue: config.temporal.taskQueue,
        intervalSeconds: config.reconcileIntervalMinutes * 60,
      }));
    if (config.subscribers.length > 0)
      logger.info(
        { subscribers: config.subscribers.map((subscriber) => subscriber.name) },
        'subscribers loaded',
      );
    if (scheduleId)
      logger.info({ scheduleId, minutes: config.reconcileIntervalMinutes }, 'reconcile schedule ready');
    const worker = await createStripeWorker({
      connection,
      temporal: config.temporal,
      db,
      workflowBundlePath: config.workflowBundlePath,
      stripeApi,
      refetchObjects: config.refetchObjects,
      client,
      subscribers: config.subscribers,
    });
    const running = worker.run();
    const stuckEvents = config.metricsAddress
      ? startStuckEventsGauge({
          client: client ?? clientOn(connection, config.temporal),
          taskQueue: config.temporal.taskQueue,
          ...config.stuckEvents,
          subscribers: config.subscribers.map((subscriber) => subscriber.name),
          meter: Runtime.instance().metricMeter,
          logger,
        })
      : undefined;
    return {
      worker,
      connection,
      running,
      scheduleId,
      async stop() {
        await stuckEvents?.stop();
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.finally(() => connection.close());
      },
    };
  } catch (err) {
    await connection.close();
    throw err;
  }
}

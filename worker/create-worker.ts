import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createProviderActivities } from '../activities/provider-events';
import { createReconcileActivities } from '../activities/reconcile';
import { createSyncActivities } from '../activities/sync';
import { createSubscriberPauseActivities } from '../activities/subscriber-pause';
import { createSubscriberDispatcher } from '../activities/subscribers';
import type { TemporalConfig } from '../common/config';
import { createDataConverter } from '../common/data-converter';
import type { StripeApi } from '../common/stripe-api';
import type { Subscriber } from '../common/subscriber-contract';
import { clientOn } from '../common/temporal-connection';
import type { Database } from '../db/client';
import { workerTuning } from './tuning';

/** Written by `npm run build` (worker/bundle.ts); production workers skip webpack at start. */
export const WORKFLOW_BUNDLE_PATH = path.join(__dirname, '..', 'workflow-bundle.js');

export interface StripeWorkerOptions {
  connection: NativeConnection;
  temporal: TemporalConfig;
  db: Database;
  /** A prebundled workflow file; defaults to the build's bundle when it exists. */
  workflowBundlePath?: string | undefined;
  /** Stripe's API when STRIPE_API_KEY is set: re-fetch in the handlers, and reconciliation. */
  stripeApi?: StripeApi | undefined;
  refetchObjects?: readonly string[] | undefined;
  /** A client for the reconcile activity to start missed events with; reconciliation needs it and stripeApi. */
  client?: Client | undefined;
  /** The subscription table (SUBSCRIPTIONS_FILE): who gets which events once the mirror has them. */
  subscribers?: readonly Subscriber[] | undefined;
}

/** Prebundled workflow code when there is a bundle, else the sources (bundled at worker start). */
export function workflowSource(
  bundlePath: string | undefined = existsSync(WORKFLOW_BUNDLE_PATH) ? WORKFLOW_BUNDLE_PATH : undefined,
): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  return bundlePath
    ? { workflowBundle: { codePath: bundlePath } }
    : { workflowsPath: require.resolve('../workflows') };
}

export async function createStripeWorker({
  connection,
  temporal,
  db,
  workflowBundlePath,
  stripeApi,
  refetchObjects,
  client,
  subscribers = [],
}: StripeWorkerOptions): Promise<Worker> {
  const reconcile =
    stripeApi && client
      ? createReconcileActivities({ db, client, stripeApi, taskQueue: temporal.taskQueue })
      : {};
  // The initial sync lists Stripe's API: only a worker with STRIPE_API_KEY runs its pages.
  const sync = stripeApi ? createSyncActivities({ db, stripeApi }) : {};
  // The handlers start the deliveries, on a client over the worker's own connection.
  const dispatcher =
    subscribers.length > 0
      ? createSubscriberDispatcher({
          client: client ?? clientOn(connection, temporal),
          taskQueue: temporal.taskQueue,
          subscribers,
        })
      : undefined;
  return Worker.create({
    ...workerTuning,
    connection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    dataConverter: createDataConverter(temporal.payloadKeys),
    ...workflowSource(workflowBundlePath),
    activities: {
      ...createActivities({ db, stripeApi, refetchObjects, subscribers: dispatcher }),
      ...reconcile,
      ...sync,
      ...createProviderActivities({ db, subscribers: dispatcher }),
      ...createSubscriberPauseActivities({ db }),
    },
  });
}

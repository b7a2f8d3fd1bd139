import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NativeConnection } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { TemporalConfig } from '../common/config';
import type { Database } from '../db/client';

/** Written by `npm run build` (worker/bundle.ts); production workers skip webpack at start. */
export const WORKFLOW_BUNDLE_PATH = path.join(__dirname, '..', 'workflow-bundle.js');

export interface StripeWorkerOptions {
  connection: NativeConnection;
  temporal: TemporalConfig;
  db: Database;
}

export async function createStripeWorker({ connection, temporal, db }: StripeWorkerOptions): Promise<Worker> {
  const workflowSource = existsSync(WORKFLOW_BUNDLE_PATH)
    ? { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } }
    : { workflowsPath: require.resolve('../workflows') };
  return Worker.create({
    connection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    ...workflowSource,
    activities: createActivities({ db }),
  });
}

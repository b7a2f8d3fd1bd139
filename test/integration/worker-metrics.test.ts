import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { CURRENT_PROCESS_OPTIONS, PROCESS_STRIPE_EVENT } from '../../common/event-workflow';
import type { ProcessStripeEvent } from '../../common/event-workflow';
import { PINNED_STRIPE_API_VERSION } from '../../common/stripe-api';
import { connectClient } from '../../common/temporal-connection';
import { freePort } from '../../dev/dev-server';
import { fixtureEvent } from '../../dev/fixtures';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { startWorkerProcess } from '../helpers/processes';
import { testTemporalAddress, testTemporalConfig, uniqueTaskQueue } from '../helpers/test-env';
import type { ServiceProcess } from '../helpers/processes';

/** The counter's value for one api_version in Prometheus text, or undefined when it has no series. */
function mismatches(metrics: string, apiVersion: string): number | undefined {
  const line = metrics
    .split('\n')
    .find(
      (row) =>
        row.startsWith('stripe_event_api_version_mismatch_total{') &&
        row.includes(`api_version="${apiVersion}"`),
    );
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('the worker process serves Prometheus metrics (WORKER_METRICS_ADDRESS)', () => {
  let database: TestDatabase;
  let client: Client;
  let worker: ServiceProcess;
  let metricsUrl: string;
  const taskQueue = uniqueTaskQueue('worker-metrics');

  before(async () => {
    database = await createTestDatabase();
    const address = testTemporalAddress();
    client = await connectClient(testTemporalConfig({ address }));
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    worker = await startWorkerProcess('worker-metrics', { address, taskQueue, client }, database.url, {
      WORKER_METRICS_ADDRESS: `127.0.0.1:${port}`,
    });
  });
  after(async () => {
    await worker?.stop();
    await client?.connection.close();
    await database?.drop();
  });

  const run = (event: ReturnType<typeof fixtureEvent>) =>
    client.workflow.execute<ProcessStripeEvent>(PROCESS_STRIPE_EVENT, {
      workflowId: event.id,
      taskQueue,
      args: [event, CURRENT_PROCESS_OPTIONS],
    });

  it('counts events whose api_version differs from the pinned one, next to the SDK metrics', async () => {
    // Two customers of their own: the same fixture customer twice would be a same-second tie.
    const old = fixtureEvent('customer.created', { object: { id: 'cus_metrics_old' } });
    assert.notEqual(old.api_version, PINNED_STRIPE_API_VERSION, 'the fixture is from an older API version');
    const current = {
      ...fixtureEvent('customer.created', { object: { id: 'cus_metrics_current' } }),
      api_version: PINNED_STRIPE_API_VERSION,
    };
    assert.equal((await run(old)).outcome, 'applied');
    assert.equal((await run(current)).outcome, 'applied');

    const metrics = await (await fetch(metricsUrl)).text();
    assert.equal(mismatches(metrics, old.api_version as string), 1);
    assert.equal(
      mismatches(metrics, PINNED_STRIPE_API_VERSION),
      undefined,
      'the pinned version is no mismatch',
    );
    // Version 2 runs handlers as local activities: the SDK reports them under their own names.
    assert.match(
      metrics,
      /^temporal_local_activity_execution_latency_count\{activity_type="applyCustomerEvent"/m,
      "the SDK's own metrics are served too",
    );
  });
});

/**
 * The stuck-event gauges: measureStuckEvents against the real dev server's visibility, then the
 * worker process publishing them at WORKER_METRICS_ADDRESS while a paused handler holds an event.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { PROCESS_STRIPE_EVENT } from '../../common/event-workflow';
import type { ProcessStripeEvent } from '../../common/event-workflow';
import { PROCESS_PROVIDER_EVENT } from '../../common/provider-event';
import type { ProcessProviderEvent } from '../../common/provider-event';
import { routeFor } from '../../common/routing';
import { searchAttributesFor } from '../../common/search-attributes';
import { DELIVER_TO_SUBSCRIBER, subscriberWorkflowId } from '../../common/subscriber-contract';
import { connectClient } from '../../common/temporal-connection';
import { handlerPauses } from '../../db/schema';
import { freePort } from '../../dev/dev-server';
import { fixtureEvent } from '../../dev/fixtures';
import { measureStuckEvents, NO_HANDLER } from '../../worker/stuck-events';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { startWorkerProcess } from '../helpers/processes';
import type { ServiceProcess } from '../helpers/processes';
import { waitFor } from '../helpers/stack';
import { testTemporalAddress, testTemporalConfig, uniqueTaskQueue } from '../helpers/test-env';

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('stuck events, counted from visibility', () => {
  let client: Client;
  before(async () => {
    client = await connectClient(testTemporalConfig());
  });
  after(async () => client?.connection.close());

  const startStripe = (taskQueue: string, type: string, id: string) => {
    // A type no kind handles is sent as a customer event under that type.
    const event = { ...fixtureEvent(routeFor(type) ? type : 'customer.created'), id, type };
    return client.workflow.start<ProcessStripeEvent>(PROCESS_STRIPE_EVENT, {
      workflowId: id,
      taskQueue,
      args: [event],
      typedSearchAttributes: searchAttributesFor(event),
    });
  };

  it('counts running event workflows past the threshold, by type and handler, and the oldest age', async () => {
    // No worker polls this queue: every workflow started on it stays running, as a stuck one does.
    const taskQueue = uniqueTaskQueue('stuck-measure');
    const firstStart = nowSeconds();
    const suffix = `${Date.now()}`;
    await startStripe(taskQueue, 'customer.created', `evt_stuck_a_${suffix}`);
    await startStripe(taskQueue, 'customer.updated', `evt_stuck_b_${suffix}`);
    await startStripe(taskQueue, 'invoice.paid', `evt_stuck_c_${suffix}`);
    await startStripe(taskQueue, 'no.handler.for.this', `evt_stuck_d_${suffix}`);
    await client.workflow.start<ProcessProviderEvent>(PROCESS_PROVIDER_EVENT, {
      workflowId: `clerk:msg_stuck_${suffix}`,
      taskQueue,
      args: [
        { provider: 'clerk', id: `msg_stuck_${suffix}`, type: 'user.created', receivedAt: '', payload: {} },
      ],
    });

    // Measured 30 s later with a 10 s threshold: all five are stuck, the first about 30 s old.
    const later = nowSeconds() + 30;
    const snapshot = await waitFor(async () => {
      const measured = await measureStuckEvents(client, { taskQueue, thresholdSeconds: 10 }, later);
      return measured.byWorkflowType[PROCESS_STRIPE_EVENT] === 4 ? measured : undefined;
    }, 'visibility to show the four Stripe workflows');
    assert.equal(snapshot.byWorkflowType[PROCESS_PROVIDER_EVENT], 1);
    const customer = routeFor('customer.created')!;
    const invoice = routeFor('invoice.paid')!;
    assert.notEqual(customer, invoice);
    assert.equal(snapshot.byHandler[customer], 2);
    assert.equal(snapshot.byHandler[invoice], 1);
    assert.equal(snapshot.byHandler[NO_HANDLER], 1);
    const others = Object.entries(snapshot.byHandler).filter(
      ([handler]) => ![customer, invoice, NO_HANDLER].includes(handler),
    );
    assert.ok(others.length > 5 && others.every(([, count]) => count === 0), 'every other handler at 0');
    // To the second, allowing for the starts taking a moment.
    assert.ok(
      snapshot.oldestAgeSeconds <= later - firstStart && snapshot.oldestAgeSeconds >= later - firstStart - 3,
      `oldest age ${snapshot.oldestAgeSeconds} s, first start ${later - firstStart} s before`,
    );

    // Measured now with a 10 s threshold, none is old enough; another queue's are never counted.
    const fresh = await measureStuckEvents(client, { taskQueue, thresholdSeconds: 10 });
    assert.deepEqual(fresh.byWorkflowType, { [PROCESS_STRIPE_EVENT]: 0, [PROCESS_PROVIDER_EVENT]: 0 });
    assert.equal(fresh.oldestAgeSeconds, 0);
    const elsewhere = await measureStuckEvents(
      client,
      { taskQueue: 'another-queue', thresholdSeconds: 10 },
      later,
    );
    assert.equal(elsewhere.byWorkflowType[PROCESS_STRIPE_EVENT], 0);

    // Deliveries, by subscriber: counted by their workflow id, `subscriber:<name>:...`.
    const delivery = (name: string, id: string) =>
      client.workflow.start(DELIVER_TO_SUBSCRIBER, {
        workflowId: subscriberWorkflowId(name, id),
        taskQueue,
        args: [],
      });
    await delivery('crm', `evt_stuck_a_${suffix}`);
    await delivery('crm', `evt_stuck_b_${suffix}`);
    await delivery('crm-archive', `evt_stuck_a_${suffix}`); // a name the other's prefix must not catch
    const subscribers = ['crm', 'crm-archive', 'emails'];
    const deliveries = await waitFor(async () => {
      const measured = await measureStuckEvents(
        client,
        { taskQueue, thresholdSeconds: 10, subscribers },
        later,
      );
      return measured.bySubscriber.crm === 2 ? measured : undefined;
    }, 'visibility to show the deliveries');
    assert.deepEqual(deliveries.bySubscriber, { crm: 2, 'crm-archive': 1, emails: 0 });
    const freshDeliveries = await measureStuckEvents(client, {
      taskQueue,
      thresholdSeconds: 10,
      subscribers,
    });
    assert.deepEqual(freshDeliveries.bySubscriber, { crm: 0, 'crm-archive': 0, emails: 0 });
    for (const [name, id] of [
      ['crm', 'a'],
      ['crm', 'b'],
      ['crm-archive', 'a'],
    ] as const)
      await client.workflow.getHandle(subscriberWorkflowId(name, `evt_stuck_${id}_${suffix}`)).terminate();

    for (const id of ['a', 'b', 'c', 'd'])
      await client.workflow.getHandle(`evt_stuck_${id}_${suffix}`).terminate();
    await client.workflow.getHandle(`clerk:msg_stuck_${suffix}`).terminate();
  });
});

describe('the worker publishes the stuck-event gauges', () => {
  let database: TestDatabase;
  let client: Client;
  let worker: ServiceProcess;
  let metricsUrl: string;
  const taskQueue = uniqueTaskQueue('stuck-gauge');

  before(async () => {
    database = await createTestDatabase();
    const address = testTemporalAddress();
    client = await connectClient(testTemporalConfig({ address }));
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    worker = await startWorkerProcess('stuck-gauge', { address, taskQueue, client }, database.url, {
      WORKER_METRICS_ADDRESS: `127.0.0.1:${port}`,
      STUCK_EVENT_THRESHOLD_SECONDS: '1',
      STUCK_EVENTS_CHECK_INTERVAL_SECONDS: '1',
    });
  });
  after(async () => {
    await worker?.stop();
    await client?.connection.close();
    await database?.drop();
  });

  const gauge = async (series: string) => {
    const line = (await (await fetch(metricsUrl)).text())
      .split('\n')
      .find((row) => row.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };

  it('shows an event held by a paused handler as stuck, and clears once it is applied', async () => {
    const handler = routeFor('customer.created')!;
    await database.db.insert(handlerPauses).values({ handler, reason: 'stuck-events test' });
    const event = { ...fixtureEvent('customer.created'), id: `evt_gauge_${Date.now()}` };
    const handle = await client.workflow.start<ProcessStripeEvent>(PROCESS_STRIPE_EVENT, {
      workflowId: event.id,
      taskQueue,
      args: [event],
      typedSearchAttributes: searchAttributesFor(event),
    });
    await waitFor(
      async () =>
        (await gauge(`stripe_stuck_events_by_handler{handler="${handler}"}`)) === 1 ? true : undefined,
      'the paused event to show as stuck under its handler',
    );
    assert.equal(await gauge(`stripe_stuck_events{workflow_type="${PROCESS_STRIPE_EVENT}"}`), 1);
    assert.ok((await gauge('stripe_oldest_stuck_event_age_seconds'))! >= 1);
    assert.equal(await gauge('stripe_stuck_events_check_failures_total'), 0);

    await database.db.delete(handlerPauses);
    assert.equal((await handle.result()).outcome, 'applied');
    await waitFor(
      async () => ((await gauge('stripe_oldest_stuck_event_age_seconds')) === 0 ? true : undefined),
      'the gauges to clear',
    );
    assert.equal(await gauge(`stripe_stuck_events{workflow_type="${PROCESS_STRIPE_EVENT}"}`), 0);
  });
});

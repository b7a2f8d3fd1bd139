/**
 * Subscribers end to end: events signed for real → the ingress → the pipeline's worker (the mirror,
 * then one deliverToSubscriber workflow per subscriber) → examples/team-service, a real second
 * worker PROCESS on its own task queue, reading the table from a SUBSCRIPTIONS_FILE like production.
 * A second subscriber on a task queue nobody polls is "down" throughout: it must delay nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { fixtureEvent } from '../../dev/fixtures';
import { providerWorkflowId } from '../../common/provider-event';
import type { ProviderResult } from '../../common/provider-event';
import { createProviderEventStarter } from '../../common/provider-event-starter';
import { subscriberWorkflowId } from '../../common/subscriber-contract';
import type { Subscriber } from '../../common/subscriber-contract';
import { loadSubscriptions } from '../../common/subscriptions';
import type { StripeEvent } from '../../common/stripe-event';
import { runCommand } from '../../ops/cli';
import { createOps, loadOpsConfig } from '../../ops/context';
import type { Ops } from '../../ops/context';
import type { EventStatus } from '../../ops/commands/status';
import type { StuckReport } from '../../ops/commands/stuck';
import type { ProcessResult } from '../../workflows';
import type { ReceivedLine } from '../../examples/team-service/activities';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { startTestIngress } from '../helpers/ingress';
import type { TestIngress } from '../helpers/ingress';
import { startTeamServiceProcess, testLogDir } from '../helpers/processes';
import type { ServiceProcess } from '../helpers/processes';
import { waitFor } from '../helpers/stack';
import { connectTestTemporal, uniqueTaskQueue } from '../helpers/temporal';
import type { TestTemporal } from '../helpers/temporal';

/** Each invoice.paid a newer version of the same invoice, so each one applies (no same-second tie). */
let created = Math.floor(Date.now() / 1000);
const paidInvoice = () => fixtureEvent('invoice_paid.json', { created: ++created });

const EXAMPLE_TABLE = path.join(__dirname, '..', '..', 'examples', 'team-service', 'subscriptions.json');

describe('subscribers on their own task queues', () => {
  let database: TestDatabase;
  let temporal: TestTemporal;
  let worker: Awaited<ReturnType<TestTemporal['startWorker']>>;
  let ingress: TestIngress;
  let team: ServiceProcess;
  let ops: Ops;
  const teamQueue = uniqueTaskQueue('team-service');
  const downQueue = uniqueTaskQueue('nobody-polls');
  const receivedFile = path.join(testLogDir(), `team-service-received-${process.pid}-${Date.now()}.jsonl`);
  const subscriptionsFile = path.join(testLogDir(), `subscriptions-${process.pid}-${Date.now()}.json`);

  const startTeam = () =>
    startTeamServiceProcess(
      'team-service',
      { address: temporal.config.address, taskQueue: teamQueue, client: temporal.client },
      { receivedFile },
    );

  before(async () => {
    // The example's own table, pointed at this test's task queue, plus a subscriber that is down.
    const example = JSON.parse(readFileSync(EXAMPLE_TABLE, 'utf8')) as {
      subscribers: Array<Record<string, unknown>>;
    };
    example.subscribers[0]!.taskQueue = teamQueue;
    example.subscribers.push({
      name: 'always-down',
      eventTypes: ['invoice.*'],
      taskQueue: downQueue,
      activity: 'neverAnswered',
      startToCloseTimeout: '5 seconds',
    });
    // The same service also takes a provider's events (Standard Webhooks, `clerk`).
    example.subscribers.push({
      name: 'clerk-users',
      source: 'clerk',
      eventTypes: ['user.*'],
      taskQueue: teamQueue,
      activity: 'receiveStripeEvent',
    });
    writeFileSync(subscriptionsFile, JSON.stringify(example));
    const env = { ...process.env, SUBSCRIPTIONS_FILE: subscriptionsFile };
    const subscribers: Subscriber[] = loadSubscriptions(env);

    database = await createTestDatabase();
    temporal = await connectTestTemporal('subscribers');
    worker = await temporal.startWorker(database.db, { subscribers });
    ingress = await startTestIngress(temporal.client, temporal.config.taskQueue);
    ops = createOps(
      loadOpsConfig({
        ...env,
        TEMPORAL_ADDRESS: temporal.config.address,
        TEMPORAL_TASK_QUEUE: temporal.config.taskQueue,
        DATABASE_URL: database.url,
      }),
      { client: temporal.client, db: database.db },
    );
    team = await startTeam();
  });

  after(async () => {
    await team?.stop();
    await ingress?.close();
    worker?.worker.shutdown();
    await worker?.running;
    await ops?.close();
    await temporal?.close();
    await database?.drop();
  });

  function received(eventId: string): ReceivedLine[] {
    if (!existsSync(receivedFile)) return [];
    return readFileSync(receivedFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ReceivedLine)
      .filter((line) => line.eventId === eventId);
  }

  async function receivedOnce(eventId: string, timeoutMs = 30_000): Promise<ReceivedLine> {
    const [line] = await waitFor(
      () => Promise.resolve(received(eventId).length > 0 ? received(eventId) : undefined),
      `${eventId} at the team service`,
      timeoutMs,
    );
    // Give a duplicate the time to show up before saying "once".
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(received(eventId).length, 1, `${eventId} received more than once`);
    return line!;
  }

  async function send(event: StripeEvent): Promise<ProcessResult> {
    const response = await ingress.post(event);
    assert.equal(response.status, 200);
    return (await temporal.client.workflow.getHandle(event.id).result()) as ProcessResult;
  }

  async function pendingOf(client: Client, workflowId: string) {
    const description = await client.workflow.getHandle(workflowId).describe();
    return { status: description.status.name, pending: description.raw.pendingActivities?.[0] };
  }

  it('delivers invoice.paid and customer.subscription.deleted once each, and nothing else', async () => {
    const paid = paidInvoice();
    const deleted = fixtureEvent('subscription_deleted.json');
    const other = fixtureEvent('customer_updated.json');

    const paidResult = await send(paid);
    // The mirror completed although one of its two subscribers is down.
    assert.equal(paidResult.outcome, 'applied');
    assert.deepEqual(paidResult.subscribers, ['team-service', 'always-down']);
    assert.deepEqual((await send(deleted)).subscribers, ['team-service']);
    assert.equal((await send(other)).subscribers, undefined);

    const line = await receivedOnce(paid.id);
    assert.deepEqual(line, {
      source: 'stripe',
      eventId: paid.id,
      eventType: 'invoice.paid',
      outcome: 'applied',
      objectId: (paid.data.object as { id: string }).id,
      attempt: 1,
    });
    assert.equal((await receivedOnce(deleted.id)).eventType, 'customer.subscription.deleted');
    assert.equal(received(other.id).length, 0);

    // The down subscriber waits on its own, as a pending activity named after it.
    const down = await pendingOf(temporal.client, subscriberWorkflowId('always-down', paid.id));
    assert.equal(down.status, 'RUNNING');
    assert.equal(down.pending?.activityId, 'always-down');
    assert.equal(down.pending?.activityType?.name, 'neverAnswered');
    const delivered: unknown = await temporal.client.workflow
      .getHandle(subscriberWorkflowId('team-service', paid.id))
      .result();
    assert.deepEqual(delivered, { subscriber: 'team-service', eventId: paid.id, delivered: true });
    // Dispatch costs the event's own history nothing: still the 7 events of version 2. A delivery is
    // 12: its pause check is a marker in the first workflow task, then one activity round trip.
    const historyLength = async (workflowId: string) =>
      (await temporal.client.workflow.getHandle(workflowId).describe()).historyLength;
    assert.equal(await historyLength(paid.id), 7);
    assert.equal(await historyLength(subscriberWorkflowId('team-service', paid.id)), 12);

    // `ops status` lists each subscriber's delivery.
    const status = (await runCommand(ops, ['status', paid.id])).value as EventStatus;
    assert.deepEqual(
      status.deliveries.map((delivery) => [
        delivery.subscriber,
        delivery.status,
        delivery.pendingActivity?.activityId,
      ]),
      [
        ['team-service', 'COMPLETED', undefined],
        ['always-down', 'RUNNING', 'always-down'],
      ],
    );
    assert.deepEqual(((await runCommand(ops, ['status', other.id])).value as EventStatus).deliveries, []);
  });

  it('delivers a provider event to its subscriber, and only there', async () => {
    const starter = createProviderEventStarter(temporal.client, {
      taskQueue: temporal.config.taskQueue,
      startTimeoutMs: 5000,
    });
    const id = `msg_${Date.now()}`;
    const event = {
      provider: 'clerk',
      id,
      type: 'user.created',
      receivedAt: new Date().toISOString(),
      payload: { data: { id: 'user_1' } },
    };
    assert.equal(await starter.start(event), 'started');
    const result = (await temporal.client.workflow
      .getHandle(providerWorkflowId('clerk', id))
      .result()) as ProviderResult;
    assert.deepEqual(result.subscribers, ['clerk-users']);
    const line = await receivedOnce(id);
    assert.deepEqual([line.source, line.eventType, line.outcome], ['clerk', 'user.created', 'recorded']);
    const delivery: unknown = await temporal.client.workflow
      .getHandle(subscriberWorkflowId('clerk-users', `clerk:${id}`))
      .result();
    assert.deepEqual(delivery, { subscriber: 'clerk-users', eventId: id, delivered: true });
  });

  it('survives its own crash: an event sent while it is down arrives after the restart, once', async () => {
    await team.kill();
    const paid = paidInvoice();
    assert.equal((await send(paid)).outcome, 'applied');
    const deliveryId = subscriberWorkflowId('team-service', paid.id);
    // Scheduled on the team's queue, waiting for a poller.
    await waitFor(
      async () =>
        (await pendingOf(temporal.client, deliveryId)).pending?.activityId === 'team-service'
          ? true
          : undefined,
      'the delivery to wait on the team queue',
    );
    assert.equal(received(paid.id).length, 0);
    team = await startTeam();
    assert.equal((await receivedOnce(paid.id)).eventType, 'invoice.paid');
  });

  it("holds a paused subscriber's events until resume, while the mirror goes on", async () => {
    await runCommand(ops, ['pause-subscriber', 'team-service', '--reason', 'team deploy']);
    try {
      const paid = paidInvoice();
      assert.equal((await send(paid)).outcome, 'applied');
      const deliveryId = subscriberWorkflowId('team-service', paid.id);
      const held = await waitFor(async () => {
        const { pending } = await pendingOf(temporal.client, deliveryId);
        return pending?.lastFailure ? pending : undefined;
      }, 'the held delivery to show its pause');
      assert.equal(held.activityId, 'team-service:pause');
      assert.equal(
        held.lastFailure?.cause?.applicationFailureInfo?.type ??
          held.lastFailure?.applicationFailureInfo?.type,
        'SubscriberPaused',
      );
      assert.equal(received(paid.id).length, 0);
      // `ops stuck` shows the held delivery and the pause; the mirror has nothing stuck.
      const report = (await runCommand(ops, ['stuck'])).value as StuckReport;
      assert.equal(report.stuck.length, 0);
      const stuck = report.deliveries.stuck.find((delivery) => delivery.eventId === paid.id);
      assert.equal(stuck?.subscriber, 'team-service');
      assert.equal(stuck?.state, 'paused');
      assert.equal(stuck?.workflowId, deliveryId);
      assert.deepEqual(
        report.pausedSubscribers?.map((pause) => [pause.subscriber, pause.reason]),
        [['team-service', 'team deploy']],
      );

      await runCommand(ops, ['resume-subscriber', 'team-service']);
      assert.equal((await receivedOnce(paid.id, 20_000)).eventType, 'invoice.paid');
    } finally {
      await runCommand(ops, ['resume-subscriber', 'team-service']);
    }
  });

  it('redelivers one event to one subscriber without re-running the mirror or the others', async () => {
    const paid = paidInvoice();
    await send(paid);
    await receivedOnce(paid.id);
    const eventRun = (await temporal.client.workflow.getHandle(paid.id).describe()).runId;
    const downRun = (
      await temporal.client.workflow.getHandle(subscriberWorkflowId('always-down', paid.id)).describe()
    ).runId;

    const output = await runCommand(ops, ['redeliver', paid.id, '--subscriber', 'team-service']);
    assert.equal(output.exitCode, 0);
    await waitFor(() => Promise.resolve(received(paid.id).length === 2 || undefined), 'the redelivery');
    assert.equal((await temporal.client.workflow.getHandle(paid.id).describe()).runId, eventRun);
    assert.equal(
      (await temporal.client.workflow.getHandle(subscriberWorkflowId('always-down', paid.id)).describe())
        .runId,
      downRun,
    );
  });
});

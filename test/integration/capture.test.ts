import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { createCapturingStripe } from '../../common/capture';
import type { CapturedObject, CaptureResult } from '../../common/capture';
import { createCaptureStarter } from '../../common/capture/starter';
import { StripeObjectId } from '../../common/search-attributes';
import { entitlements, notifications, stripeEvents, subscriptions } from '../../db/schema';
import { fixtureEvent } from '../../dev/fixtures';
import type { ProcessResult } from '../../workflows';
import { startFakeStripe } from '../helpers/fake-stripe';
import type { FakeStripe } from '../helpers/fake-stripe';
import { rowById } from '../helpers/events';
import { startTestStack, waitFor } from '../helpers/stack';
import type { TestStack } from '../helpers/stack';

/** A subscription whose trial ends within three days: Stripe sends trial_will_end at once. */
function trialingSubscription(customer: string): FakeStripeObject {
  const now = Math.floor(Date.now() / 1000);
  const template = fixtureEvent('customer.subscription.created').data.object;
  return {
    ...template,
    id: `sub_capture_${now}`,
    object: 'subscription',
    customer,
    status: 'trialing',
    trial_start: now,
    trial_end: now + 2 * 86_400,
  };
}
type FakeStripeObject = { id: string; object: string } & Record<string, unknown>;

describe('capture at the source: the app’s own call, then the webhook for the same change', () => {
  let stack: TestStack;
  let fake: FakeStripe;
  let capture: ReturnType<typeof createCapturingStripe>;
  /** The first test's call, which the last one repeats. */
  let firstRequestId: string | undefined;
  before(async () => {
    stack = await startTestStack('capture');
    fake = await startFakeStripe();
    fake.onWrite('POST', /^\/v1\/subscriptions$/, (params) => ({
      object: trialingSubscription(params.get('customer') ?? 'cus_missing'),
      eventTypes: ['customer.subscription.created', 'customer.subscription.trial_will_end'],
    }));
    const base = new URL(fake.baseUrl);
    capture = createCapturingStripe(fake.apiKey, {
      client: stack.temporal.client,
      taskQueue: stack.temporal.config.taskQueue,
      registry: new Registry(),
      stripeConfig: { host: base.hostname, port: base.port, protocol: 'http', maxNetworkRetries: 0 },
    });
  });
  after(async () => {
    await capture?.close();
    await fake?.close();
    await stack?.stop();
  });

  it('mirrors the response before the webhook; the webhook then applies once, one outbox message', async (t) => {
    const { db } = stack.database;
    const created = await capture.stripe.subscriptions.create({
      customer: 'cus_capture_it',
      items: [{ price: 'price_capture_it' }],
      trial_period_days: 2,
    });
    firstRequestId = created.lastResponse.requestId;
    const workflowId = `capture:${firstRequestId}`;

    // The mirror has it from the capture alone: no webhook was delivered yet.
    const captured = await waitFor(async () => rowById(db, subscriptions, created.id), 'the captured row');
    assert.equal(captured.sourceEventId, workflowId);
    assert.equal(captured.status, 'trialing');
    const handle = stack.temporal.client.workflow.getHandle(workflowId);
    assert.deepEqual((await handle.result()) as CaptureResult, {
      captureId: workflowId,
      objectKind: 'subscription',
      handler: 'applySubscriptionEvent',
      outcome: 'applied',
      alreadyRecorded: false,
    });
    assert.deepEqual((await handle.describe()).typedSearchAttributes.get(StripeObjectId), created.id);
    const grantedByCapture = await db
      .select()
      .from(entitlements)
      .where(eq(entitlements.subscriptionId, created.id));
    assert.equal(grantedByCapture.length, 1, 'the capture granted access');

    // The webhooks for the same change arrive later, as Stripe sends them, then once more (a retry).
    const webhooks = fake.events;
    assert.deepEqual(
      webhooks.map((event) => event.type),
      ['customer.subscription.created', 'customer.subscription.trial_will_end'],
    );
    for (const event of [...webhooks, ...webhooks])
      assert.equal((await stack.ingress.post(event)).status, 200);
    const results: ProcessResult[] = await Promise.all(webhooks.map((event) => stack.result(event.id)));
    t.diagnostic(`webhook outcomes: ${results.map((r) => `${r.eventType} ${r.outcome}`).join(', ')}`);
    for (const result of results) {
      // Equal or stale: the event carries what the capture already wrote, so either way nothing changes.
      assert.ok(['applied', 'stale'].includes(result.outcome), `${result.eventType}: ${result.outcome}`);
      assert.equal(result.alreadyRecorded, false);
    }

    const row = await rowById(db, subscriptions, created.id);
    assert.deepEqual(
      { ...row, sourceEventId: undefined, sourceEventCreated: undefined, updatedAt: undefined },
      { ...captured, sourceEventId: undefined, sourceEventCreated: undefined, updatedAt: undefined },
      'the webhooks left the row as the capture wrote it',
    );
    assert.deepEqual(
      (await db.select().from(entitlements).where(eq(entitlements.subscriptionId, created.id))).map(
        ({ productId, quantity, status }) => ({ productId, quantity, status }),
      ),
      grantedByCapture.map(({ productId, quantity, status }) => ({ productId, quantity, status })),
    );
    const ledger = await db.select().from(stripeEvents).where(eq(stripeEvents.objectId, created.id));
    assert.deepEqual(
      ledger.map((entry) => entry.id).sort(),
      [workflowId, ...webhooks.map((event) => event.id)].sort(),
      'one ledger row for the capture and one per event: nothing applied twice',
    );
    const outbox = await db.select().from(notifications).where(eq(notifications.objectId, created.id));
    assert.deepEqual(
      outbox.map(({ eventId, kind }) => ({ eventId, kind })),
      [{ eventId: webhooks[1]?.id, kind: 'trial_ending' }],
      'one message, queued by the webhook; the capture queues none',
    );
  });

  it('a capture that reaches the worker after its webhook is stale and changes nothing', async () => {
    const { db } = stack.database;
    const now = Math.floor(Date.now() / 1000);
    const subscription = { ...trialingSubscription('cus_capture_late'), id: `sub_capture_late_${now}` };
    const webhook = fixtureEvent('customer.subscription.updated', {
      created: now,
      object: { ...subscription, status: 'active' },
    });
    assert.equal((await stack.ingress.post(webhook)).status, 200);
    assert.equal((await stack.result(webhook.id)).outcome, 'applied');

    // The call answered in the webhook's second (the event was created during it), its capture late.
    const starter = createCaptureStarter(stack.temporal.client, {
      taskQueue: stack.temporal.config.taskQueue,
      startTimeoutMs: 5000,
    });
    const late: CapturedObject = {
      requestId: `req_late_${now}`,
      stripeTime: now,
      object: subscription,
      livemode: false,
      account: null,
      apiVersion: null,
    };
    assert.equal(await starter.start(late), 'started');
    const result = (await stack.temporal.client.workflow
      .getHandle(`capture:req_late_${now}`)
      .result()) as CaptureResult;
    assert.equal(result.outcome, 'stale');
    const row = await rowById(db, subscriptions, subscription.id);
    assert.equal(row?.status, 'active');
    assert.equal(row?.sourceEventId, webhook.id);
  });

  it('starts one capture per API call: the same Request-Id again is a duplicate', async () => {
    const [event] = fake.events;
    assert.ok(firstRequestId && event, 'the first test made its call');
    const starter = createCaptureStarter(stack.temporal.client, {
      taskQueue: stack.temporal.config.taskQueue,
      startTimeoutMs: 5000,
    });
    const again: CapturedObject = {
      requestId: firstRequestId,
      stripeTime: event.created,
      object: event.data.object,
      livemode: false,
      account: null,
      apiVersion: null,
    };
    assert.equal(await starter.start(again), 'duplicate');
  });
});

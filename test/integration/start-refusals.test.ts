/**
 * Honest answers when Temporal refuses a start, against real dev servers: an event that breaks one
 * of Temporal's limits is the sender's fault (400 rejected_by_temporal, nothing started); the
 * namespace's rate limit is 429 with Retry-After and every refused event is accepted on a later
 * try; a namespace whose search attributes are missing is our setup, so 503, never 400.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Long from 'long';
import { createEventStarter, TemporalUnavailable } from '../../common/event-starter';
import { createLazyClient } from '../../common/temporal-connection';
import type { StripeEvent } from '../../common/stripe-event';
import { startDevServer } from '../../dev/dev-server';
import type { DevServer } from '../../dev/dev-server';
import { fixtureEvent } from '../../dev/fixtures';
import { startTestIngress } from '../helpers/ingress';
import type { TestIngress } from '../helpers/ingress';
import { testTemporalConfig, uniqueTaskQueue } from '../helpers/test-env';
import { startTestStack, waitFor } from '../helpers/stack';
import type { TestStack } from '../helpers/stack';

type Answer = { status: number; body: unknown; headers: Headers };

function errorOf(answer: Answer): { error: string; message: string } {
  return answer.body as { error: string; message: string };
}

describe('events Temporal refuses for what they are: 400, nothing started', () => {
  let stack: TestStack;
  let bigIngress: TestIngress;
  before(async () => {
    stack = await startTestStack('refused');
    bigIngress = await startTestIngress(stack.temporal.client, stack.temporal.config.taskQueue, {
      maxBodyBytes: 4 * 1024 * 1024,
    });
  });
  after(async () => {
    await bigIngress?.close();
    await stack?.stop();
  });

  function assertRefused(answer: Answer, limit: RegExp): void {
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.equal(errorOf(answer).error, 'rejected_by_temporal');
    assert.match(errorOf(answer).message, limit);
    assert.equal(answer.headers.get('retry-after'), null);
  }

  it('an event id over the workflow id limit', async () => {
    const event = { ...fixtureEvent('customer.created'), id: `evt_${'a'.repeat(1100)}` };
    assertRefused(await stack.ingress.post(event), /WorkflowId length exceeds limit/);
  });

  it('an event type over the search attribute size limit', async () => {
    const event = fixtureEvent('customer.created');
    const type = `customer.${'x'.repeat(3000)}`;
    assertRefused(await stack.ingress.post({ ...event, type }), /StripeEventType .*exceeds size limit/);
    const { count } = await stack.temporal.client.workflow.count(`WorkflowId = "${event.id}"`);
    assert.equal(count, 0, 'nothing was started for it');
  });

  it('a payload over the blob size limit', async () => {
    const event = fixtureEvent('customer.created');
    const object = { ...event.data.object, metadata: { padding: 'z'.repeat(2_200_000) } };
    const oversized: StripeEvent = { ...event, data: { object } };
    assertRefused(await bigIngress.post(oversized), /Blob data size exceeds limit/);
    const { count } = await stack.temporal.client.workflow.count(`WorkflowId = "${event.id}"`);
    assert.equal(count, 0, 'nothing was started for it');
  });
});

describe("a namespace's rate limit and a namespace without the search attributes", () => {
  let server: DevServer;
  before(async () => {
    // Two starts a second: a burst of 30 webhooks must meet the limit.
    server = await startDevServer({
      dynamicConfig: { 'frontend.namespaceRPS': '2', 'frontend.namespaceBurstRatio': '1' },
    });
  });
  after(async () => server?.stop());

  it('answers 429 with Retry-After under the rate limit, and accepts every refused event later', async () => {
    const config = testTemporalConfig({ address: server.address, taskQueue: uniqueTaskQueue('rate') });
    const client = createLazyClient(config, { retryRateLimits: false });
    // The starter retries a rate limit for 3.1 s of backoff, then answers 429. The deadline is only
    // for an unresponsive server: generous, so a loaded machine's slow start is not taken for one.
    const ingress = await startTestIngress(client, config.taskQueue, { startTimeoutMs: 15_000 });
    try {
      const events = Array.from({ length: 30 }, () => fixtureEvent('customer.created'));
      const answers = await Promise.all(events.map((event) => ingress.post(event)));
      const statuses = answers.map((answer) => answer.status);
      assert.ok(statuses.includes(429), `some starts met the rate limit: ${statuses.join(',')}`);
      for (const answer of answers) {
        assert.ok([200, 429].includes(answer.status), `only 200 or 429: ${JSON.stringify(answer.body)}`);
        if (answer.status !== 429) continue;
        assert.equal(errorOf(answer).error, 'temporal_rate_limited');
        assert.match(answer.headers.get('retry-after') ?? '', /^\d+$/);
      }
      // A sender that honours Retry-After gets every event in: nothing was lost.
      let pending = events.filter((_, index) => statuses[index] === 429);
      for (let round = 0; pending.length > 0 && round < 30; round++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const retried = await Promise.all(pending.slice(0, 2).map((event) => ingress.post(event)));
        pending = [
          ...pending.slice(0, 2).filter((_, index) => retried[index]?.status !== 200),
          ...pending.slice(2),
        ];
      }
      assert.equal(pending.length, 0, 'every rate-limited event was accepted on a later try');
    } finally {
      await ingress.close();
      await client.connection.close();
    }
  });

  it('answers 503, not 400, when the namespace lacks the Stripe search attributes', async () => {
    const admin = createLazyClient(testTemporalConfig({ address: server.address }));
    await admin.connection.workflowService.registerNamespace({
      namespace: 'bare',
      workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) },
    });
    await admin.connection.close();
    const config = testTemporalConfig({ address: server.address, namespace: 'bare', taskQueue: 'bare' });
    const client = createLazyClient(config, { retryRateLimits: false });
    const ingress = await startTestIngress(client, config.taskQueue, { startTimeoutMs: 3000 });
    try {
      // Wait until Temporal's refusal is about the search attributes, not the namespace still on
      // its way to the frontend's cache: that is the case under test.
      const starter = createEventStarter(client, { taskQueue: config.taskQueue, startTimeoutMs: 3000 });
      const refusal = await waitFor(async () => {
        const error = await starter.start(fixtureEvent('customer.created')).then(
          () => new Error('started'),
          (err: Error) => err,
        );
        return /search attribute/.test(String(error.message)) ? error : undefined;
      }, 'a refusal that names the missing search attributes');
      assert.ok(refusal instanceof TemporalUnavailable, `${refusal.name}: ${refusal.message}`);
      const answer = await ingress.post(fixtureEvent('customer.created'));
      assert.equal(answer.status, 503, JSON.stringify(answer.body));
      assert.equal(errorOf(answer).error, 'temporal_unavailable');
      assert.ok(answer.headers.get('retry-after'));
    } finally {
      await ingress.close();
      await client.connection.close();
    }
  });
});

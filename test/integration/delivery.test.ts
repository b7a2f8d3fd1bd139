import assert from 'node:assert/strict';
import { it } from 'node:test';
import Long from 'long';
import { createLazyClient } from '../../common/temporal-connection';
import { freePort } from '../../dev/dev-server';
import { fixtureEvent } from '../../dev/fixtures';
import { startTestIngress } from '../helpers/ingress';
import { waitFor } from '../helpers/stack';
import type { TestStack } from '../helpers/stack';
import { deliverySuite, metricValue } from '../suites/delivery';

deliverySuite('delivery', (current: () => TestStack) => {
  it('is ready only where the namespace has the contract search attributes and retention, and says which', async () => {
    assert.equal((await fetch(`${current().ingress.url}/readyz`)).status, 200);
    // A namespace that exists but lacks the Stripe* search attributes: every start would fail.
    const bare = `bare-${Date.now()}`;
    await current().temporal.client.connection.workflowService.registerNamespace({
      namespace: bare,
      workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) },
    });
    const client = createLazyClient({
      address: current().temporal.config.address,
      namespace: bare,
      taskQueue: 'unused',
    });
    const ingress = await startTestIngress(client, 'unused');
    try {
      type Body = { problems?: { code: string; message: string }[] };
      // Under load the first call may time out (reported as unreachable): wait for the namespace's answer.
      const body = await waitFor(async () => {
        const response = await fetch(`${ingress.url}/readyz`);
        const answer = (await response.json()) as Body;
        return response.status === 503 && answer.problems?.some((p) => p.code !== 'unreachable')
          ? (answer as Required<Body>)
          : undefined;
      }, 'readyz to report what the bare namespace lacks');
      assert.deepEqual(
        body.problems.map((problem) => problem.code),
        ['retention_too_short', 'search_attributes_missing'],
      );
      assert.match(body.problems[1]!.message, /lacks the search attributes StripeEventType, .*StripeOutcome/);
    } finally {
      await ingress.close();
      await client.connection.close();
    }
  });

  it('answers 503 with Retry-After when Temporal is unreachable, and counts it as refused', async () => {
    const deadAddress = `127.0.0.1:${await freePort()}`;
    const unreachable = createLazyClient({ address: deadAddress, namespace: 'default', taskQueue: 'unused' });
    const ingress = await startTestIngress(unreachable, 'unused', { startTimeoutMs: 1000 });
    try {
      const event = fixtureEvent('customer.updated');
      const response = await ingress.post(event);
      assert.equal(response.status, 503);
      assert.ok(
        Number(response.headers.get('retry-after')) > 0,
        'Retry-After tells Stripe when to come back',
      );
      assert.match(JSON.stringify(response.body), /Temporal|retry/i);
      const metrics = await (await fetch(`${ingress.url}/metrics`)).text();
      assert.equal(metricValue(metrics, 'stripe_webhooks_rejected_total{reason="temporal_unavailable"}'), 1);
      assert.equal(metricValue(metrics, 'stripe_webhooks_accepted_total'), 0);
      const ready = await fetch(`${ingress.url}/readyz`);
      assert.equal(ready.status, 503);
      const body = (await ready.json()) as { problems: { code: string; message: string }[] };
      assert.deepEqual(
        body.problems.map((problem) => problem.code),
        ['unreachable'],
      );
    } finally {
      await ingress.close();
    }
  });
});

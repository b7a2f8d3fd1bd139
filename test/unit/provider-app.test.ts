import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import pino from 'pino';
import { TemporalUnavailable } from '../../common/event-starter';
import type { EventStarter } from '../../common/event-starter';
import type { ProviderEvent } from '../../common/provider-event';
import type { ProviderEventStarter } from '../../common/provider-event-starter';
import { createApp } from '../../ingress/app';
import {
  hmacHeaders,
  hmacProvider,
  standardWebhooksHeaders,
  standardWebhooksProvider,
  standardWebhooksSecret,
} from '../helpers/providers';

const SW_SECRET = standardWebhooksSecret();
const HMAC_SECRET = 'acme_unit_secret';
const MAX_BODY_BYTES = 4096;

/** A fake for this pure unit tier only; test/integration/providers.test.ts starts real workflows. */
class FakeProviderStarter implements ProviderEventStarter {
  calls: ProviderEvent[] = [];
  outcome: 'started' | 'duplicate' | Error = 'started';
  start(event: ProviderEvent) {
    this.calls.push(event);
    return this.outcome instanceof Error ? Promise.reject(this.outcome) : Promise.resolve(this.outcome);
  }
  drain() {
    return Promise.resolve();
  }
}

const unusedStripeStarter: EventStarter = {
  start: () => Promise.reject(new Error('no Stripe event in this test')),
  readiness: () => Promise.resolve({ ready: true, problems: [] }),
};

async function startApp(t: TestContext) {
  const starter = new FakeProviderStarter();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const app = createApp({
    starter: unusedStripeStarter,
    secrets: ['whsec_stripe_unused'],
    toleranceSeconds: 300,
    maxBodyBytes: MAX_BODY_BYTES,
    logger: pino({ level: 'info' }, sink),
    providers: {
      providers: [standardWebhooksProvider([SW_SECRET]), hmacProvider([HMAC_SECRET])],
      starter,
    },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (path: string, body: string, headers: Record<string, string>) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers, body });
    return { status: response.status, headers: response.headers, body: await response.json() };
  };
  const metrics = async () => (await fetch(`${url}/metrics`)).text();
  return { starter, logs, post, metrics, url };
}

const swBody = JSON.stringify({ type: 'user.created', data: { id: 'user_1', secret_note: 'do-not-log' } });
const acmeBody = JSON.stringify({ event: { id: 'ev_1', kind: 'order.shipped' } });

describe('provider endpoints', () => {
  it('start one workflow per verified delivery and answer 200, logging ids and types only', async (t) => {
    const app = await startApp(t);
    const sw = await app.post(
      '/webhooks/clerk',
      swBody,
      standardWebhooksHeaders(swBody, SW_SECRET, { id: 'msg_1' }),
    );
    assert.deepEqual(sw, { ...sw, status: 200, body: { received: true } });
    const acme = await app.post(
      '/webhooks/acme',
      acmeBody,
      hmacHeaders(acmeBody, HMAC_SECRET, hmacProvider([])),
    );
    assert.equal(acme.status, 200);
    assert.deepEqual(
      app.starter.calls.map(({ provider, id, type }) => ({ provider, id, type })),
      [
        { provider: 'clerk', id: 'msg_1', type: 'user.created' },
        { provider: 'acme', id: 'ev_1', type: 'order.shipped' },
      ],
    );
    assert.deepEqual(app.starter.calls[1]!.payload, JSON.parse(acmeBody));
    assert.ok(!Number.isNaN(Date.parse(app.starter.calls[0]!.receivedAt)));
    assert.ok(app.logs.some((line) => line.includes('"eventId":"msg_1"')));
    assert.ok(!app.logs.some((line) => line.includes('do-not-log')), 'no payload in the logs');
    const metrics = await app.metrics();
    assert.match(metrics, /provider_webhooks_accepted_total\{provider="clerk"\} 1/);
    assert.match(metrics, /provider_webhooks_accepted_total\{provider="acme"\} 1/);
  });

  it('answer a duplicate 200 and count it', async (t) => {
    const app = await startApp(t);
    app.starter.outcome = 'duplicate';
    const response = await app.post('/webhooks/clerk', swBody, standardWebhooksHeaders(swBody, SW_SECRET));
    assert.equal(response.status, 200);
    assert.match(await app.metrics(), /provider_webhooks_duplicate_total\{provider="clerk"\} 1/);
  });

  it('answer 400 with the reason, start nothing, and count the rejection by provider', async (t) => {
    const app = await startApp(t);
    const wrong = standardWebhooksHeaders(swBody, standardWebhooksSecret());
    const response = await app.post('/webhooks/clerk', swBody, wrong);
    assert.equal(response.status, 400);
    assert.equal((response.body as { error: string }).error, 'signature_mismatch');
    const missing = await app.post('/webhooks/acme', acmeBody, {});
    assert.equal((missing.body as { error: string }).error, 'missing_signature');
    assert.equal(app.starter.calls.length, 0);
    const metrics = await app.metrics();
    assert.match(
      metrics,
      /provider_webhooks_rejected_total\{provider="clerk",reason="signature_mismatch"\} 1/,
    );
    assert.match(metrics, /provider_webhooks_rejected_total\{provider="acme",reason="missing_signature"\} 1/);
    assert.match(
      metrics,
      /provider_webhooks_rejected_total\{provider="acme",reason="signature_mismatch"\} 0/,
    );
  });

  it('answer 413 over the body limit and 503 with Retry-After when Temporal is unavailable', async (t) => {
    const app = await startApp(t);
    const big = JSON.stringify({ type: 'x', pad: 'p'.repeat(MAX_BODY_BYTES) });
    const tooLarge = await app.post('/webhooks/clerk', big, standardWebhooksHeaders(big, SW_SECRET));
    assert.equal(tooLarge.status, 413);
    app.starter.outcome = new TemporalUnavailable('down');
    const unavailable = await app.post('/webhooks/clerk', swBody, standardWebhooksHeaders(swBody, SW_SECRET));
    assert.equal(unavailable.status, 503);
    assert.ok(Number(unavailable.headers.get('retry-after')) > 0);
    assert.match(
      await app.metrics(),
      /provider_webhooks_rejected_total\{provider="clerk",reason="temporal_unavailable"\} 1/,
    );
  });

  it('list the provider routes in a 404', async (t) => {
    const app = await startApp(t);
    const response = await app.post('/webhooks/unknown', '{}', {});
    assert.equal(response.status, 404);
    assert.match(JSON.stringify(response.body), /POST \/webhooks\/clerk, POST \/webhooks\/acme/);
  });
});

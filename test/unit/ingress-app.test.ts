import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import pino from 'pino';
import Stripe from 'stripe';
import type { StripeEvent } from '../../common/stripe-event';
import { createApp } from '../../ingress/app';
import { EventRefusedByTemporal, TemporalRateLimited, TemporalUnavailable } from '../../common/event-starter';
import type { EventStarter, TemporalReadiness } from '../../common/event-starter';

const SECRET = 'whsec_unit_test';
const MAX_BODY_BYTES = 64 * 1024;
const payload = readFileSync(path.join(__dirname, '../fixtures/stripe-events/customer_updated.json'), 'utf8');

/** A fake for this pure unit tier only; the integration tier starts real workflows. */
class FakeStarter implements EventStarter {
  calls: StripeEvent[] = [];
  outcome: 'started' | 'duplicate' | Error = 'started';
  ready: boolean | Error = true;

  start(event: StripeEvent): Promise<'started' | 'duplicate'> {
    this.calls.push(event);
    return this.outcome instanceof Error ? Promise.reject(this.outcome) : Promise.resolve(this.outcome);
  }

  readiness(): Promise<TemporalReadiness> {
    if (this.ready instanceof Error) return Promise.reject(this.ready);
    return Promise.resolve(
      this.ready
        ? { ready: true, problems: [] }
        : {
            ready: false,
            problems: [
              { code: 'search_attributes_missing', message: 'namespace default lacks StripeOutcome' },
            ],
          },
    );
  }
}

async function startApp(t: TestContext) {
  const starter = new FakeStarter();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const app = createApp({
    starter,
    secrets: [SECRET],
    toleranceSeconds: 300,
    maxBodyBytes: MAX_BODY_BYTES,
    logger: pino({ level: 'info' }, sink),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  async function post(body: string, signature?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signature !== undefined) headers['stripe-signature'] = signature;
    const response = await fetch(`${url}/webhooks/stripe`, { method: 'POST', headers, body });
    return { status: response.status, headers: response.headers, json: await response.json() };
  }
  const signed = (body: string, secret = SECRET) =>
    post(body, Stripe.webhooks.generateTestHeaderString({ payload: body, secret }));

  return { starter, logs, url, post, signed, port };
}

describe('ingress app', () => {
  it('answers 200 once the starter confirmed, and hands it the parsed event exactly once', async (t) => {
    const app = await startApp(t);
    const response = await app.signed(payload);
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { received: true });
    assert.equal(app.starter.calls.length, 1);
    assert.deepEqual(app.starter.calls[0], JSON.parse(payload));
  });

  it('answers 200 for a duplicate: Stripe must stop retrying an event already accepted', async (t) => {
    const app = await startApp(t);
    app.starter.outcome = 'duplicate';
    const response = await app.signed(payload);
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { received: true });
  });

  it('answers 503 with Retry-After when Temporal is unavailable', async (t) => {
    const app = await startApp(t);
    app.starter.outcome = new TemporalUnavailable('deadline exceeded');
    const response = await app.signed(payload);
    assert.equal(response.status, 503);
    assert.match(response.headers.get('retry-after') ?? '', /^\d+$/);
    assert.deepEqual(Object.keys(response.json as object).sort(), ['error', 'message']);
    assert.equal((response.json as { error: string }).error, 'temporal_unavailable');
  });

  it('answers 400 rejected_by_temporal, naming the limit, when Temporal refuses the event itself', async (t) => {
    const app = await startApp(t);
    app.starter.outcome = new EventRefusedByTemporal('WorkflowId length exceeds limit.');
    const response = await app.signed(payload);
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('retry-after'), null, 'a retry would fail the same way');
    const body = response.json as { error: string; message: string };
    assert.equal(body.error, 'rejected_by_temporal');
    assert.match(body.message, /WorkflowId length exceeds limit/);
    assert.match(body.message, /Nothing was started/);
  });

  it("answers 429 with Retry-After when the namespace's rate limit refuses the start", async (t) => {
    const app = await startApp(t);
    app.starter.outcome = new TemporalRateLimited('namespace rate limit exceeded');
    const response = await app.signed(payload);
    assert.equal(response.status, 429);
    assert.match(response.headers.get('retry-after') ?? '', /^\d+$/);
    const body = response.json as { error: string; message: string };
    assert.equal(body.error, 'temporal_rate_limited');
    assert.match(body.message, /nothing was lost/);
  });

  it('answers 500 without details when the starter fails unexpectedly', async (t) => {
    const app = await startApp(t);
    app.starter.outcome = new Error('secret internals at /srv/app.ts:42');
    const response = await app.signed(payload);
    assert.equal(response.status, 500);
    assert.equal((response.json as { error: string }).error, 'internal_error');
    assert.doesNotMatch(JSON.stringify(response.json), /secret internals|app\.ts/);
  });

  it('answers 400 with the reason and never calls the starter for bad deliveries', async (t) => {
    const app = await startApp(t);
    const cases: [string, Promise<{ status: number; json: unknown }>][] = [
      ['missing_signature', app.post(payload)],
      ['malformed_signature', app.post(payload, 'nonsense')],
      ['signature_mismatch', app.signed(payload, 'whsec_someone_else')],
      [
        'signature_mismatch',
        app.post(
          payload.replace('customer', 'kustomer'),
          Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
        ),
      ],
      [
        'timestamp_outside_tolerance',
        app.post(
          payload,
          Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: 1 }),
        ),
      ],
      ['invalid_json', app.signed('not json')],
      ['not_a_stripe_event', app.signed('{"object":"customer"}')],
    ];
    for (const [reason, pending] of cases) {
      const response = await pending;
      assert.equal(response.status, 400, reason);
      const json = response.json as { error: string; message: string };
      assert.equal(json.error, reason);
      assert.ok(json.message.length > 20, `${reason} explains itself`);
    }
    assert.equal(app.starter.calls.length, 0);
  });

  it('answers 413 for a body over the limit, with or without Content-Length, and never calls the starter', async (t) => {
    const app = await startApp(t);
    const big = JSON.stringify({ padding: 'x'.repeat(MAX_BODY_BYTES) });
    const response = await app.signed(big);
    assert.equal(response.status, 413);
    assert.equal((response.json as { error: string }).error, 'body_too_large');

    // Chunked: raw-body must count the bytes as they arrive.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        {
          port: app.port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/webhooks/stripe',
          headers: { 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      request.on('error', reject);
      for (let i = 0; i < 8; i++) request.write('x'.repeat(MAX_BODY_BYTES / 4));
      request.end();
    });
    assert.equal(chunked.status, 413);
    assert.match(chunked.body, /body_too_large/);
    assert.equal(app.starter.calls.length, 0);
  });

  it('answers /healthz, and /readyz from the starter', async (t) => {
    const app = await startApp(t);
    const health = await fetch(`${app.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });

    assert.equal((await fetch(`${app.url}/readyz`)).status, 200);
    app.starter.ready = false;
    const notReady = await fetch(`${app.url}/readyz`);
    assert.equal(notReady.status, 503);
    const body = (await notReady.json()) as { message: string; problems: { code: string }[] };
    assert.match(body.message, /Temporal is not ready.*lacks StripeOutcome/);
    assert.deepEqual(
      body.problems.map((problem) => problem.code),
      ['search_attributes_missing'],
    );
    app.starter.ready = new Error('boom');
    const failed = await fetch(`${app.url}/readyz`);
    assert.equal(failed.status, 503);
    assert.match(((await failed.json()) as { message: string }).message, /boom/);
  });

  it('counts deliveries in /metrics', async (t) => {
    const app = await startApp(t);
    await app.signed(payload);
    await app.signed(payload);
    app.starter.outcome = 'duplicate';
    await app.signed(payload);
    app.starter.outcome = new TemporalUnavailable('down');
    await app.signed(payload);
    app.starter.outcome = new TemporalRateLimited('slow down');
    await app.signed(payload);
    app.starter.outcome = new EventRefusedByTemporal('too long');
    await app.signed(payload);
    await app.post(payload);
    await app.signed(payload, 'whsec_wrong');

    const response = await fetch(`${app.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await response.text();
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    assert.equal(value('stripe_webhooks_received_total'), 8);
    assert.equal(value('stripe_webhooks_accepted_total'), 2);
    assert.equal(value('stripe_webhooks_duplicate_total'), 1);
    assert.equal(value('stripe_webhooks_rejected_total{reason="missing_signature"}'), 1);
    assert.equal(value('stripe_webhooks_rejected_total{reason="signature_mismatch"}'), 1);
    assert.equal(value('stripe_webhooks_rejected_total{reason="temporal_unavailable"}'), 1);
    assert.equal(value('stripe_webhooks_rejected_total{reason="temporal_rate_limited"}'), 1);
    assert.equal(value('stripe_webhooks_rejected_total{reason="rejected_by_temporal"}'), 1);
    assert.equal(value('stripe_webhooks_rejected_total{reason="invalid_json"}'), 0);
    assert.equal(value('stripe_workflow_start_duration_seconds_count{outcome="started"}'), 2);
    assert.equal(value('stripe_workflow_start_duration_seconds_count{outcome="temporal_unavailable"}'), 1);
    assert.equal(value('stripe_workflow_start_duration_seconds_count{outcome="temporal_rate_limited"}'), 1);
    assert.equal(value('stripe_workflow_start_duration_seconds_count{outcome="rejected_by_temporal"}'), 1);
    assert.match(text, /^process_cpu_user_seconds_total /m);
  });

  it('answers 404 for unknown paths and 405 for other methods, in JSON', async (t) => {
    const app = await startApp(t);
    const notFound = await fetch(`${app.url}/webhooks/paypal`, { method: 'POST' });
    assert.equal(notFound.status, 404);
    const body = (await notFound.json()) as { error: string; message: string };
    assert.equal(body.error, 'not_found');
    assert.match(body.message, /POST \/webhooks\/stripe/);

    const wrongMethod = await fetch(`${app.url}/webhooks/stripe`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'POST');
    assert.equal(((await wrongMethod.json()) as { error: string }).error, 'method_not_allowed');

    assert.equal((await fetch(`${app.url}/healthz`, { method: 'DELETE' })).status, 405);
    assert.equal((await fetch(`${app.url}/healthz`, { method: 'HEAD' })).status, 200);
  });

  it('logs event id, type and rejection reason, never the payload', async (t) => {
    const app = await startApp(t);
    await app.signed(payload);
    await app.signed('{"object":"customer","email":"billz@supabase.io"}');
    const logs = app.logs.join('');
    assert.match(logs, /"eventId":"evt_1IlZRsJDPojXS6LN2AbFmnR4"/);
    assert.match(logs, /"eventType":"customer.updated"/);
    assert.match(logs, /"reason":"not_a_stripe_event"/);
    assert.ok(payload.includes('billz@supabase.io'), 'the fixture carries personal data');
    assert.doesNotMatch(logs, /billz@supabase\.io|cus_IhGfebO16cMIGN/);
  });
});

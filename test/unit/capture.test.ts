import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import Stripe from 'stripe';
import { createCapturingStripe } from '../../common/capture';
import type { CapturedObject } from '../../common/capture';
import { capturedEvent } from '../../common/capture/contract';
import type { CaptureStarter } from '../../common/capture/starter';
import { TemporalRateLimited } from '../../common/start-errors';
import { loadTemporalConfig } from '../../common/temporal-config';

/** What the fake API answers next: status, body and extra headers (Date and Request-Id come by default). */
interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const DATE = 'Thu, 03 Dec 2026 07:30:15 GMT';
const customer = { id: 'cus_capture1', object: 'customer', livemode: false, email: null, metadata: {} };

/** A starter that records captures; the integration tier starts real workflows. */
class RecordingStarter implements CaptureStarter {
  captures: CapturedObject[] = [];
  outcome: 'started' | 'duplicate' | Error = 'started';
  hold: Promise<void> | undefined;

  async start(capture: CapturedObject): Promise<'started' | 'duplicate'> {
    this.captures.push(capture);
    await this.hold;
    if (this.outcome instanceof Error) throw this.outcome;
    return this.outcome;
  }

  async drain(): Promise<void> {}
}

async function counterValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((value) =>
    Object.entries(labels).every(([key, label]) => value.labels[key] === label),
  );
  return match?.value ?? 0;
}

describe('capturing Stripe client (httpClient wrapper)', () => {
  let server: http.Server;
  let port: number;
  let answer: Answer;
  let requests: { method: string; path: string }[];
  before(async () => {
    server = http.createServer((req, res) => {
      requests.push({ method: req.method ?? '', path: req.url ?? '' });
      req.resume();
      req.on('end', () => {
        res.sendDate = false; // the Date header is the test's to give or withhold
        res.writeHead(answer.status, {
          'content-type': 'application/json',
          'request-id': `req_unit${requests.length}`,
          date: DATE,
          'stripe-version': '2026-10-28.endive',
          ...answer.headers,
        });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requests = [];
    answer = { status: 200, body: customer };
  });

  function capturing(options: { starter?: CaptureStarter; maxInFlight?: number } = {}) {
    const registry = new Registry();
    const starter = options.starter ?? new RecordingStarter();
    const logged: Record<string, unknown>[] = [];
    const capture = createCapturingStripe('sk_test_unit', {
      starter,
      registry,
      ...(options.maxInFlight !== undefined && { maxInFlight: options.maxInFlight }),
      logger: { warn: (fields) => void logged.push(fields) },
      stripeConfig: { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 },
    });
    return Object.assign(capture, { registry, logged });
  }

  it('captures a created object of a mirrored kind, versioned by Stripe’s Date less a second', async () => {
    const starter = new RecordingStarter();
    const { stripe, flush, registry } = capturing({ starter });
    const created = await stripe.customers.create(
      { email: 'someone@example.com' },
      { stripeAccount: 'acct_1' },
    );
    assert.equal(created.id, customer.id);
    // The application may change what it got back; the capture keeps what Stripe said.
    created.metadata = { changed: 'yes' };
    await flush();

    assert.equal(starter.captures.length, 1);
    const [capture] = starter.captures;
    assert.deepEqual(capture, {
      requestId: 'req_unit1',
      stripeTime: Date.parse(DATE) / 1000,
      object: customer,
      livemode: false,
      account: 'acct_1',
      apiVersion: '2026-10-28.endive',
    });
    const event = capturedEvent(starter.captures[0] as CapturedObject);
    assert.equal(event.id, 'capture:req_unit1');
    assert.equal(event.created, Date.parse(DATE) / 1000 - 1);
    assert.equal(event.type, 'capture.customer');
    assert.equal(
      await counterValue(registry, 'stripe_captures_total', { object: 'customer', result: 'started' }),
      1,
    );
  });

  it('wraps the transport the application configured, which still carries every request', async () => {
    const starter = new RecordingStarter();
    const node = Stripe.createNodeHttpClient();
    const carried: string[] = [];
    const own: Stripe.HttpClient = {
      getClientName: () => 'own',
      makeRequest: (...request) => {
        carried.push(`${request[3]} ${request[2]}`);
        return node.makeRequest(...request);
      },
    };
    const { stripe, flush } = createCapturingStripe('sk_test_unit', {
      starter,
      registry: new Registry(),
      stripeConfig: { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, httpClient: own },
    });
    await stripe.customers.create({});
    await flush();
    assert.deepEqual(carried, ['POST /v1/customers']);
    assert.equal(starter.captures.length, 1);
  });

  it('captures deletions (DELETE answers `{ deleted: true }`)', async () => {
    const starter = new RecordingStarter();
    const { stripe, flush } = capturing({ starter });
    answer = { status: 200, body: { id: 'cus_capture1', object: 'customer', deleted: true } };
    await stripe.customers.del('cus_capture1');
    await flush();
    assert.deepEqual(
      starter.captures.map((capture) => capture.object),
      [{ id: 'cus_capture1', object: 'customer', deleted: true }],
    );
  });

  it('ignores objects the mirror does not hold, reads, lists and idempotent replays', async () => {
    const starter = new RecordingStarter();
    const { stripe, flush } = capturing({ starter });
    answer = { status: 200, body: { id: 'ephkey_1', object: 'ephemeral_key', secret: 'ek_test_x' } };
    await stripe.ephemeralKeys.create({ customer: 'cus_1' }, { apiVersion: '2026-10-28.endive' });
    answer = { status: 200, body: customer };
    await stripe.customers.retrieve('cus_capture1');
    answer = {
      status: 200,
      body: { object: 'list', data: [customer], has_more: false, url: '/v1/customers' },
    };
    const listed = await stripe.customers.list({ limit: 1 });
    assert.equal(listed.data[0]?.id, customer.id);
    answer = {
      status: 200,
      body: { object: 'search_result', data: [customer], has_more: false, url: '/v1/x' },
    };
    await stripe.rawRequest('POST', '/v1/customers/search_like', {});
    answer = { status: 200, body: customer, headers: { 'idempotent-replayed': 'true' } };
    await stripe.customers.create({}, { idempotencyKey: 'same-call' });
    await flush();
    assert.equal(requests.length, 5);
    assert.deepEqual(starter.captures, []);
  });

  it('leaves API errors to the application, uncaptured', async () => {
    const starter = new RecordingStarter();
    const { stripe, flush } = capturing({ starter });
    answer = {
      status: 402,
      body: { error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' } },
    };
    await assert.rejects(
      stripe.paymentIntents.create({ amount: 100, currency: 'usd' }),
      Stripe.errors.StripeCardError,
    );
    await flush();
    assert.deepEqual(starter.captures, []);
  });

  it('answers the API call when the start fails, and counts and logs the failure with ids only', async () => {
    const starter = new RecordingStarter();
    starter.outcome = new TemporalRateLimited("Temporal's rate limit refused workflow capture:req_unit1");
    const { stripe, flush, registry, logged } = capturing({ starter });
    assert.equal((await stripe.customers.create({ email: 'someone@example.com' })).id, customer.id);
    await flush();
    assert.equal(
      await counterValue(registry, 'stripe_capture_failures_total', { reason: 'temporal_rate_limited' }),
      1,
    );
    assert.equal(await counterValue(registry, 'stripe_captures_total', { object: 'customer' }), 0);
    assert.deepEqual(logged, [
      {
        requestId: 'req_unit1',
        workflowId: 'capture:req_unit1',
        objectKind: 'customer',
        objectId: 'cus_capture1',
        reason: 'temporal_rate_limited',
        error: 'TemporalRateLimited',
      },
    ]);
  });

  it('counts a response it cannot version (no Date header) instead of guessing', async () => {
    const starter = new RecordingStarter();
    const { stripe, flush, registry } = capturing({ starter });
    answer = { status: 200, body: customer, headers: { date: '' } };
    await stripe.customers.create({});
    await flush();
    assert.deepEqual(starter.captures, []);
    assert.equal(
      await counterValue(registry, 'stripe_capture_failures_total', { reason: 'unidentified_response' }),
      1,
    );
  });

  it('does not wait for Temporal, and drops captures beyond maxInFlight', async () => {
    const starter = new RecordingStarter();
    let release = () => {};
    starter.hold = new Promise<void>((resolve) => (release = resolve));
    const capture = capturing({ starter, maxInFlight: 1 });
    const { stripe, registry } = capture;
    await stripe.customers.create({});
    assert.equal(capture.inFlight, 1, 'the call returned while its capture waited for Temporal');
    await stripe.customers.create({});
    assert.equal(starter.captures.length, 1, 'the second capture was dropped while the first waited');
    assert.equal(await counterValue(registry, 'stripe_capture_failures_total', { reason: 'overloaded' }), 1);
    release();
    await capture.flush();
    assert.equal(
      await counterValue(registry, 'stripe_captures_total', { object: 'customer', result: 'started' }),
      1,
    );
  });

  it('with Temporal unreachable, the API call succeeds and the failure is counted', async () => {
    // A real Temporal client (the project's factory) aimed at a port nobody listens on.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const registry = new Registry();
    const capture = createCapturingStripe('sk_test_unit', {
      temporal: loadTemporalConfig({
        TEMPORAL_ADDRESS: `127.0.0.1:${deadPort}`,
        TEMPORAL_PAYLOAD_ENCRYPTION: 'off',
        TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml',
      }),
      startTimeoutMs: 500,
      registry,
      logger: { warn: () => {} },
      stripeConfig: { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 },
    });
    try {
      const created = await capture.stripe.customers.create({});
      assert.equal(created.id, customer.id);
      assert.equal(capture.inFlight, 1, 'the call returned while its capture was still trying Temporal');
      await capture.flush();
      assert.equal(
        await counterValue(registry, 'stripe_capture_failures_total', { reason: 'temporal_unavailable' }),
        1,
      );
    } finally {
      await capture.close();
    }
  });
});

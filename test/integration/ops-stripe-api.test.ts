import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { createStripeApi, MAX_RATE_LIMIT_RETRIES, PINNED_STRIPE_API_VERSION } from '../../common/stripe-api';
import { fixtureEvent } from '../../dev/fixtures';
import { startFakeStripe } from '../helpers/fake-stripe';
import type { FakeStripe } from '../helpers/fake-stripe';

describe('the Stripe API client against the fake Stripe API', () => {
  let fake: FakeStripe;
  before(async () => {
    fake = await startFakeStripe();
  });
  after(async () => fake.close());

  it('keeps to the token bucket rate', async () => {
    const api = createStripeApi({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, requestsPerSecond: 10 });
    fake.setObject({ id: 'cus_bucket', object: 'customer' });
    const started = Date.now();
    // 10 in the first burst, then 10 more at 10/s.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        api.call('retrieve', (stripe) => stripe.customers.retrieve('cus_bucket')),
      ),
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900, `20 calls at 10/s with a burst of 10 take about 1 s, took ${elapsed} ms`);
  });

  it(`waits out 429s, and gives up after ${MAX_RATE_LIMIT_RETRIES} retries`, async () => {
    const api = createStripeApi({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, requestsPerSecond: 100 });
    fake.setObject({ id: 'in_429', object: 'invoice' });
    fake.rateLimitNext(2, 0);
    const invoice = await api.call('retrieve', (stripe) => stripe.invoices.retrieve('in_429'));
    assert.equal(invoice.id, 'in_429');
    fake.rateLimitNext(MAX_RATE_LIMIT_RETRIES + 1, 0);
    await assert.rejects(
      api.call('retrieve', (stripe) => stripe.invoices.retrieve('in_429')),
      (err: unknown) => err instanceof Stripe.errors.StripeRateLimitError,
    );
  });

  it('answers like Stripe: 404 resource_missing, the pinned version, and pagination both ways', async () => {
    const api = createStripeApi({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, requestsPerSecond: 100 });
    await assert.rejects(
      api.call('retrieve', (stripe) => stripe.subscriptions.retrieve('sub_missing')),
      (err: unknown) =>
        err instanceof Stripe.errors.StripeInvalidRequestError &&
        err.statusCode === 404 &&
        err.code === 'resource_missing',
    );
    const events = Array.from({ length: 7 }, (_, i) =>
      fixtureEvent('customer.created', { created: 1_700_000_000 + i }),
    );
    for (const event of events) fake.addEvent(event);
    const newest = events.map((event) => event.id).reverse();
    const first = await api.call('list', (stripe) =>
      stripe.events.list({ limit: 3, created: { gte: 1_700_000_000 } }),
    );
    assert.deepEqual(
      first.data.map((event) => event.id),
      newest.slice(0, 3),
    );
    assert.equal(first.has_more, true);
    assert.equal(first.url, '/v1/events');
    const next = await api.call('list', (stripe) =>
      stripe.events.list({ limit: 3, created: { gte: 1_700_000_000 }, starting_after: newest[2] }),
    );
    assert.deepEqual(
      next.data.map((event) => event.id),
      newest.slice(3, 6),
    );
    const back = await api.call('list', (stripe) =>
      stripe.events.list({ limit: 2, created: { gte: 1_700_000_000 }, ending_before: newest[3] }),
    );
    assert.deepEqual(
      back.data.map((event) => event.id),
      newest.slice(1, 3),
    );
    assert.equal(back.has_more, true);
    const window = await api.call('list', (stripe) =>
      stripe.events.list({ created: { gt: 1_700_000_001, lte: 1_700_000_003 } }),
    );
    assert.equal(window.data.length, 2);
    const request = fake.requests.at(-1);
    assert.equal(request?.query['created[gt]'], '1700000001');
    assert.equal(PINNED_STRIPE_API_VERSION, Stripe.API_VERSION);
  });
});

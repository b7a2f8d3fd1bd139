/**
 * The Stripe API calls this project makes, checked against stripe-mock, which validates every
 * request against Stripe's OpenAPI specification: the fake API of the other ops tests answers
 * like Stripe, this proves we ask like Stripe's API expects. stripe-mock is built with Go once,
 * like the Temporal CLI (dev/go-tools.ts), or taken from STRIPE_MOCK_PATH.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { MIRROR_KINDS } from '../../activities/kinds';
import { KIND_NAMES, kindSpec } from '../../common/kinds';
import { createStripeApi } from '../../common/stripe-api';
import type { StripeApi } from '../../common/stripe-api';
import { freePort } from '../../dev/dev-server';
import { findOrBuildGoTool } from '../../dev/go-tools';
import { waitFor } from '../helpers/stack';

const STRIPE_MOCK = {
  binary: 'stripe-mock',
  pathVariable: 'STRIPE_MOCK_PATH',
  package: 'github.com/stripe/stripe-mock@v0.203.0',
  build: 'install',
} as const;

describe('Stripe API calls are well formed (stripe-mock)', () => {
  let mock: ChildProcess;
  let api: StripeApi;
  before(async () => {
    const tool = findOrBuildGoTool(STRIPE_MOCK);
    assert.ok(tool, 'stripe-mock is installed, or Go is there to build it');
    const port = await freePort();
    mock = spawn(tool.path, ['-http-port', String(port)], { stdio: 'ignore' });
    api = createStripeApi({
      apiKey: 'sk_test_123',
      baseUrl: `http://127.0.0.1:${port}`,
      requestsPerSecond: 100,
    });
    await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/v1/customers/cus_1`, {
          headers: { authorization: 'Bearer sk_test_123' },
        }).then(
          (response) => (response.ok ? true : undefined),
          () => undefined,
        ),
      'stripe-mock to listen',
    );
  });
  after(() => {
    mock?.kill();
  });

  it('lists events the way backfill and reconciliation do', async () => {
    const first = await api.call('events.list', (stripe) =>
      stripe.events.list({
        limit: 100,
        created: { gte: 1_700_000_000 },
        types: ['invoice.paid', 'customer.subscription.updated'],
        delivery_success: false,
      }),
    );
    assert.equal(first.object, 'list');
    const next = await api.call('events.list', (stripe) =>
      stripe.events.list({ limit: 100, created: { gte: 1_700_000_000 }, starting_after: 'evt_123' }),
    );
    assert.equal(next.object, 'list');
  });

  it('retrieves every kind of the table of kinds the way re-fetch and thin events do', async () => {
    for (const name of KIND_NAMES) {
      const { retrieve } = MIRROR_KINDS[name];
      if (!retrieve) continue;
      const id = kindSpec(name)?.key === 'customer' ? 'cus_123' : 'obj_123';
      const object = (await api.call(`retrieve ${name}`, (stripe) => retrieve(stripe, id, {}))) as {
        object?: string;
      };
      assert.equal(object.object, name, name);
    }
  });

  it('lists a page of every kind the way the initial sync does, --since included', async () => {
    for (const name of KIND_NAMES) {
      const page = await MIRROR_KINDS[name].listPage(api, { limit: 3, created: { gte: 1_700_000_000 } }, {});
      assert.ok(Array.isArray(page.data), name);
      assert.ok(
        page.data.every((object) => typeof object === 'object'),
        name,
      );
      assert.equal(typeof page.stripeTime, 'number', `${name}: the page carries Stripe's clock`);
    }
  });

  it('is strict: a parameter Stripe does not know is refused (so the checks above mean something)', async () => {
    await assert.rejects(
      api.call('events.list', (stripe) =>
        stripe.events.list({ limit: 100, delivered: false } as Stripe.EventListParams),
      ),
      (err: unknown) => err instanceof Stripe.errors.StripeInvalidRequestError,
    );
  });
});

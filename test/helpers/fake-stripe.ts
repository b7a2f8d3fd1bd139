/**
 * A fake Stripe API for tests: a real HTTP server the `stripe` client talks to through its
 * host/port/protocol options. It holds objects and an event list and answers the calls this
 * project makes the way Stripe does: `GET /v1/events` with cursor pagination (newest first), the
 * filters backfill and reconciliation use, retrieve by id (every kind with a retrieve in
 * activities/kinds, and events) with Stripe's 404 error shape, and 429s with `Retry-After` on demand.
 * Writes (POST, DELETE) answer as the test scripts them with `onWrite`, and record the events that
 * change causes, for the test to deliver as webhooks afterwards.
 * Objects also list, as the initial sync pages through them: newest first, `starting_after`,
 * `created[gte]`, a customer's own (`customer=`, `/v1/customers/:id/tax_ids`), subscriptions
 * without `status=all` leaving out canceled ones as Stripe does. Objects belong to an account:
 * the platform's, or the connected account the `Stripe-Account` header names.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StripeEvent } from '../../common/stripe-event';

export interface FakeStripeRequest {
  method: string;
  path: string;
  /** The query string decoded, repeated keys joined with "," (e.g. `types[0]`, `created[gte]`). */
  query: Record<string, string>;
  /** The status answered. */
  status: number;
  /** The `Stripe-Account` header: '' for the platform. */
  account: string;
}

/** What a scripted write answers: the object, and the types of the events the change causes. */
export interface FakeWrite {
  object: { id: string; object: string } & Record<string, unknown>;
  eventTypes: string[];
}

export interface FakeStripe {
  /** http://127.0.0.1:port, for STRIPE_API_BASE. */
  baseUrl: string;
  apiKey: string;
  /**
   * Adds an event; `delivered` (default true) is what `delivery_success` filters on; `account`: a
   * connected account's event, listed only with its `Stripe-Account` header.
   */
  addEvent(event: StripeEvent, options?: { delivered?: boolean; account?: string }): void;
  /**
   * Stores (or replaces) an object for the retrieve and list endpoints; it needs `id` and `object`.
   * `account`: a connected account's object, seen only with its `Stripe-Account` header.
   */
  setObject(object: FakeObject, options?: { account?: string }): void;
  /** The objects of one type as stored now (the platform's, or `account`'s). */
  objectsOf(type: string, options?: { account?: string }): FakeObject[];
  /** The next `count` requests answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(count: number, retryAfterSeconds: number): void;
  /**
   * Answers `method` requests whose path matches `path` with what `respond` returns (given the form
   * body), stores the object, and records one event per type, created now, in `events` and the list.
   */
  onWrite(method: 'POST' | 'DELETE', path: RegExp, respond: (params: URLSearchParams) => FakeWrite): void;
  /** The events scripted writes caused, in order. */
  readonly events: StripeEvent[];
  /** Every request received, in order (429s included). */
  readonly requests: FakeStripeRequest[];
  close(): Promise<void>;
}

export type FakeObject = { id: string; object: string } & Record<string, unknown>;

/** Resource paths → the `object` value they hold (Stripe's resource names). */
const RESOURCES: ReadonlyArray<[string, string]> = [
  ['/v1/customers', 'customer'],
  ['/v1/subscriptions', 'subscription'],
  ['/v1/invoices', 'invoice'],
  ['/v1/payment_intents', 'payment_intent'],
  ['/v1/charges', 'charge'],
  ['/v1/refunds', 'refund'],
  ['/v1/disputes', 'dispute'],
  ['/v1/checkout/sessions', 'checkout.session'],
  ['/v1/subscription_schedules', 'subscription_schedule'],
  ['/v1/invoice_payments', 'invoice_payment'],
  ['/v1/credit_notes', 'credit_note'],
  ['/v1/tax_ids', 'tax_id'],
  ['/v1/payment_methods', 'payment_method'],
  ['/v1/setup_intents', 'setup_intent'],
  ['/v1/radar/early_fraud_warnings', 'radar.early_fraud_warning'],
  ['/v1/reviews', 'review'],
  ['/v1/products', 'product'],
  ['/v1/prices', 'price'],
  ['/v1/plans', 'plan'],
  ['/v1/coupons', 'coupon'],
  ['/v1/promotion_codes', 'promotion_code'],
  ['/v1/entitlements/features', 'entitlements.feature'],
  // The platform's connected accounts (stored with setObject on the platform).
  ['/v1/accounts', 'account'],
];

/** Retrieve paths → the `object` value they return. */
const RETRIEVE_ROUTES: ReadonlyArray<[RegExp, string]> = [
  ...RESOURCES.map(([path, type]): [RegExp, string] => [new RegExp(`^${path}/([^/]+)$`), type]),
  [/^\/v1\/events\/([^/]+)$/, 'event'],
];

const LIST_ROUTES: ReadonlyMap<string, string> = new Map(RESOURCES);

/** A customer's own lists: `/v1/customers/:id/tax_ids` and `/payment_methods`. */
const CUSTOMER_LISTS: ReadonlyArray<[RegExp, string]> = [
  [/^\/v1\/customers\/([^/]+)\/tax_ids$/, 'tax_id'],
  [/^\/v1\/customers\/([^/]+)\/payment_methods$/, 'payment_method'],
];

interface StoredEvent {
  event: StripeEvent;
  delivered: boolean;
  /** Insertion order: among events created in the same second, the later one is newer. */
  seq: number;
  /** '' for the platform. */
  account: string;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'request-id': `req_${randomBytes(7).toString('hex')}`,
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function stripeError(res: ServerResponse, status: number, error: Record<string, string>, headers = {}): void {
  send(res, status, { error: { type: 'invalid_request_error', ...error } }, headers);
}

function queryOf(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  return query;
}

/** `types[]=a&types[0]=b` and qs's `types[0]=a&types[1]=b` both → [a, b]. */
function arrayParam(url: URL, name: string): string[] {
  const values: string[] = [];
  for (const [key, value] of url.searchParams) {
    if (key === name || new RegExp(`^${name}\\[\\d*\\]$`).test(key)) values.push(value);
  }
  return values;
}

function intParam(url: URL, key: string): number | undefined {
  const raw = url.searchParams.get(key);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`Invalid integer: ${raw}`);
  return value;
}

/** Stripe's `type` filter takes one wildcard: `invoice.*`. */
function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const apiKey = `sk_test_fake_${randomBytes(8).toString('hex')}`;
  const events: StoredEvent[] = [];
  // Per account ('' is the platform): id → object and the order it was first stored in.
  type Store = Map<string, { object: FakeObject; seq: number }>;
  const accounts = new Map<string, Store>();
  const storeOf = (account: string): Store => {
    let store = accounts.get(account);
    if (!store) accounts.set(account, (store = new Map() as Store));
    return store;
  };
  let objectSeq = 0;
  // Sorted lists per account and type, rebuilt after a write: 40,000 objects page fast.
  const sortedCache = new Map<string, FakeObject[]>();

  /** One type's objects, newest first (Stripe's list order), ties by storing order. */
  function sortedObjects(account: string, type: string): FakeObject[] {
    const cacheKey = `${account}\n${type}`;
    const cached = sortedCache.get(cacheKey);
    if (cached) return cached;
    const sorted = [...storeOf(account).values()]
      .filter(({ object }) => object.object === type)
      .sort((a, b) => Number(b.object.created ?? 0) - Number(a.object.created ?? 0) || b.seq - a.seq)
      .map(({ object }) => object);
    sortedCache.set(cacheKey, sorted);
    return sorted;
  }

  function listObjects(
    url: URL,
    res: ServerResponse,
    account: string,
    type: string,
    customer?: string,
  ): void {
    const limit = intParam(url, 'limit') ?? 10;
    if (limit < 1 || limit > 100) {
      return stripeError(res, 400, {
        code: 'parameter_invalid_integer',
        param: 'limit',
        message: 'Invalid integer',
      });
    }
    const gte = intParam(url, 'created[gte]');
    const owner = customer ?? url.searchParams.get('customer');
    const status = url.searchParams.get('status');
    const all = sortedObjects(account, type);
    const matching =
      gte === undefined && owner === null && !(type === 'subscription' && status !== 'all')
        ? all
        : all.filter(
            (object) =>
              (gte === undefined || Number(object.created ?? 0) >= gte) &&
              (owner === null || object.customer === owner) &&
              // Stripe leaves canceled subscriptions out unless asked for status=all.
              (type !== 'subscription' || status === 'all' || object.status !== 'canceled'),
          );
    const startingAfter = url.searchParams.get('starting_after');
    let from = 0;
    if (startingAfter !== null) {
      const at = matching.findIndex((object) => object.id === startingAfter);
      if (at < 0) {
        return stripeError(res, 400, {
          code: 'resource_missing',
          param: 'starting_after',
          message: `No such ${type}: '${startingAfter}'`,
        });
      }
      from = at + 1;
    }
    const page = matching.slice(from, from + limit);
    send(res, 200, {
      object: 'list',
      data: page,
      has_more: from + limit < matching.length,
      url: url.pathname,
    });
  }
  const requests: FakeStripeRequest[] = [];
  const writes: { method: string; path: RegExp; respond: (params: URLSearchParams) => FakeWrite }[] = [];
  const caused: StripeEvent[] = [];
  let rateLimited = 0;
  let retryAfter = 1;
  let seq = 0;

  function newestFirst(): StoredEvent[] {
    return [...events].sort((a, b) => b.event.created - a.event.created || b.seq - a.seq);
  }

  function listEvents(url: URL, res: ServerResponse, account: string): void {
    const limit = intParam(url, 'limit') ?? 10;
    if (limit < 1 || limit > 100) {
      return stripeError(res, 400, {
        code: 'parameter_invalid_integer',
        param: 'limit',
        message: 'Invalid integer: limit must be between 1 and 100',
      });
    }
    const gte = intParam(url, 'created[gte]');
    const gt = intParam(url, 'created[gt]');
    const lte = intParam(url, 'created[lte]');
    const lt = intParam(url, 'created[lt]');
    const created = intParam(url, 'created');
    const types = arrayParam(url, 'types');
    const type = url.searchParams.get('type');
    const delivery = url.searchParams.get('delivery_success');
    const matching = newestFirst().filter(({ event, delivered, account: owner }) => {
      if (owner !== account) return false;
      const c = event.created;
      if (created !== undefined && c !== created) return false;
      if ((gte !== undefined && c < gte) || (gt !== undefined && c <= gt)) return false;
      if ((lte !== undefined && c > lte) || (lt !== undefined && c >= lt)) return false;
      if (types.length > 0 && !types.includes(event.type)) return false;
      if (type !== null && !typeMatches(type, event.type)) return false;
      // Stripe: delivery_success=false also returns events still pending delivery.
      if (delivery === 'true' && !delivered) return false;
      if (delivery === 'false' && delivered) return false;
      return true;
    });
    const startingAfter = url.searchParams.get('starting_after');
    const endingBefore = url.searchParams.get('ending_before');
    let page: StoredEvent[];
    let hasMore: boolean;
    if (startingAfter !== null || endingBefore !== null) {
      const cursor = (startingAfter ?? endingBefore) as string;
      const at = matching.findIndex(({ event }) => event.id === cursor);
      if (at < 0 && !events.some(({ event }) => event.id === cursor)) {
        return stripeError(res, 400, {
          code: 'resource_missing',
          param: startingAfter !== null ? 'starting_after' : 'ending_before',
          message: `No such event: '${cursor}'`,
        });
      }
      if (startingAfter !== null) {
        const rest = matching.slice(at + 1);
        page = rest.slice(0, limit);
        hasMore = rest.length > limit;
      } else {
        // The `limit` items just newer than the cursor, still newest first.
        const newer = matching.slice(0, Math.max(at, 0));
        page = newer.slice(Math.max(0, newer.length - limit));
        hasMore = newer.length > limit;
      }
    } else {
      page = matching.slice(0, limit);
      hasMore = matching.length > limit;
    }
    send(res, 200, {
      object: 'list',
      data: page.map(({ event }) => event),
      has_more: hasMore,
      url: '/v1/events',
    });
  }

  /** One page holding a customer's active entitlements (stored with a `customer` field for this filter). */
  function listActiveEntitlements(url: URL, res: ServerResponse, account: string): void {
    const customer = url.searchParams.get('customer');
    const data = [...storeOf(account).values()]
      .map(({ object }) => object)
      .filter(
        (object) => object.object === 'entitlements.active_entitlement' && object.customer === customer,
      );
    send(res, 200, { object: 'list', data, has_more: false, url: '/v1/entitlements/active_entitlements' });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake-stripe');
    const header = req.headers['stripe-account'];
    const account = typeof header === 'string' ? header : '';
    const logged: FakeStripeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: queryOf(url),
      status: 0,
      account,
    };
    requests.push(logged);
    res.on('finish', () => (logged.status = res.statusCode));
    if (rateLimited > 0) {
      rateLimited--;
      return stripeError(
        res,
        429,
        {
          code: 'rate_limit',
          message:
            'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
        },
        { 'retry-after': String(retryAfter) },
      );
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return send(res, 401, {
        error: { type: 'invalid_request_error', message: 'Invalid API Key provided' },
      });
    }
    if (req.method !== 'GET') {
      const write = writes.find(({ method, path }) => method === req.method && path.test(url.pathname));
      if (write) return void answerWrite(req, res, account, write.respond);
      return stripeError(res, 405, {
        message: `The fake Stripe API does not script ${req.method} ${url.pathname}`,
      });
    }
    try {
      if (url.pathname === '/v1/events') return listEvents(url, res, account);
      if (url.pathname === '/v1/entitlements/active_entitlements') {
        return listActiveEntitlements(url, res, account);
      }
      const listed = LIST_ROUTES.get(url.pathname);
      if (listed) return listObjects(url, res, account, listed);
      for (const [pattern, objectType] of CUSTOMER_LISTS) {
        const customer = pattern.exec(url.pathname)?.[1];
        if (customer !== undefined) return listObjects(url, res, account, objectType, customer);
      }
      for (const [pattern, objectType] of RETRIEVE_ROUTES) {
        const id = pattern.exec(url.pathname)?.[1];
        if (id === undefined) continue;
        const found =
          objectType === 'event'
            ? events.find(({ event }) => event.id === id)?.event
            : storeOf(account).get(id)?.object;
        if (!found || (objectType !== 'event' && found.object !== objectType)) {
          return stripeError(res, 404, {
            code: 'resource_missing',
            param: 'id',
            message: `No such ${objectType.replace('checkout.', 'checkout ')}: '${id}'`,
          });
        }
        return send(res, 200, found);
      }
      stripeError(res, 404, { message: `Unrecognized request URL (GET: ${url.pathname}).` });
    } catch (err) {
      stripeError(res, 400, { message: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Applies a scripted write as Stripe does: the change and its events first, then the answer. */
  async function answerWrite(
    req: IncomingMessage,
    res: ServerResponse,
    account: string,
    respond: (params: URLSearchParams) => FakeWrite,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { object, eventTypes } = respond(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    storeObject(object, account);
    for (const type of eventTypes) {
      const event: StripeEvent = {
        id: `evt_fake_${randomBytes(8).toString('hex')}`,
        object: 'event',
        type,
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        api_version: '2026-10-28.endive',
        data: { object: structuredClone(object) },
      };
      caused.push(event);
      events.push({ event, delivered: true, seq: seq++, account });
    }
    // Node's server adds the Date header, Stripe's clock when it answered.
    send(res, 200, object);
  }

  /** Stores (or replaces) an object of `account`, keeping its place in the listing order. */
  function storeObject(object: FakeObject, account: string): void {
    const store = storeOf(account);
    store.set(object.id, { object, seq: store.get(object.id)?.seq ?? objectSeq++ });
    for (const key of sortedCache.keys()) if (key.startsWith(`${account}\n`)) sortedCache.delete(key);
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    events: caused,
    onWrite(method, path, respond) {
      writes.push({ method, path, respond });
    },
    addEvent(event, { delivered = true, account = '' } = {}) {
      events.push({ event, delivered, seq: seq++, account });
    },
    setObject(object, { account = '' } = {}) {
      storeObject(object, account);
    },
    objectsOf(type, { account = '' } = {}) {
      return [...storeOf(account).values()]
        .map(({ object }) => object)
        .filter((object) => object.object === type);
    },
    rateLimitNext(count, retryAfterSeconds) {
      rateLimited = count;
      retryAfter = retryAfterSeconds;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

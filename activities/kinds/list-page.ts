/** How each kind's listing becomes the pages the initial sync consumes (ListPage in define.ts). */
import type Stripe from 'stripe';
import type { StripeApi } from '../../common/stripe-api';
import type { ListPage, ListParams } from './define';

type ApiPage = Stripe.Response<Stripe.ApiList<unknown>>;

/** Stripe's Date header as unix seconds, or undefined when absent or unreadable. */
export function stripeTimeOf(page: {
  lastResponse?: { headers?: Record<string, string> };
}): number | undefined {
  const date = Date.parse(page.lastResponse?.headers?.date ?? '');
  return Number.isNaN(date) ? undefined : Math.floor(date / 1000);
}

/** A top-level list endpoint's page: the cursor is the last object's id, as Stripe paginates. */
export async function apiPage(api: StripeApi, list: (stripe: Stripe) => Promise<ApiPage>): Promise<ListPage> {
  const page = await api.call('list', list);
  const last = page.data.at(-1) as { id?: string } | undefined;
  return { data: page.data, nextCursor: last?.id, hasMore: page.has_more, stripeTime: stripeTimeOf(page) };
}

/** Endpoints without a `created` filter (entitlement features) get the pagination alone. */
export function withoutCreated({ created: _created, ...params }: ListParams): Stripe.PaginationParams {
  return params;
}

/** Customers per page for per-customer kinds: each customer costs one more call. */
const CUSTOMERS_PER_PAGE = 10;

/**
 * Kinds Stripe lists per customer (tax ids, payment methods, entitlement summaries, discounts):
 * one page of customers, and each one's objects. The cursor is the last customer's id, and the
 * page is as old as the customers' listing (the earliest of its calls).
 */
export async function perCustomerPage(
  api: StripeApi,
  params: ListParams,
  options: Stripe.RequestOptions,
  objectsOf: (customer: Stripe.Customer) => Promise<unknown[]>,
): Promise<ListPage> {
  const limit = Math.min(params.limit ?? CUSTOMERS_PER_PAGE, CUSTOMERS_PER_PAGE);
  const customers = await api.call('list customers', (stripe) =>
    stripe.customers.list({ ...params, limit }, options),
  );
  const data: unknown[] = [];
  // objectsOf makes its own calls through `api`: one token each.
  for (const customer of customers.data) data.push(...(await objectsOf(customer)));
  return {
    data,
    nextCursor: customers.data.at(-1)?.id,
    hasMore: customers.has_more,
    stripeTime: stripeTimeOf(customers),
  };
}

/** Every page of a per-customer list (100 at a time), each page one call under the bucket. */
export async function allPages<T extends { id: string }>(
  api: StripeApi,
  list: (stripe: Stripe, startingAfter: string | undefined) => Promise<Stripe.ApiList<T>>,
): Promise<T[]> {
  const all: T[] = [];
  for (let after: string | undefined, more = true; more;) {
    const page = await api.call('list', (stripe) => list(stripe, after));
    all.push(...page.data);
    after = page.data.at(-1)?.id;
    more = page.has_more && after !== undefined;
  }
  return all;
}

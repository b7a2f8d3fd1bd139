/** How each kind's listing becomes the pages the initial sync consumes (ListPage in define.ts). */
import type Stripe from 'stripe';
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
export async function apiPage(list: Promise<ApiPage>): Promise<ListPage> {
  const page = await list;
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
  stripe: Stripe,
  params: ListParams,
  options: Stripe.RequestOptions,
  objectsOf: (customer: Stripe.Customer) => Promise<unknown[]>,
): Promise<ListPage> {
  const limit = Math.min(params.limit ?? CUSTOMERS_PER_PAGE, CUSTOMERS_PER_PAGE);
  const customers = await stripe.customers.list({ ...params, limit }, options);
  const data: unknown[] = [];
  for (const customer of customers.data) data.push(...(await objectsOf(customer)));
  return {
    data,
    nextCursor: customers.data.at(-1)?.id,
    hasMore: customers.has_more,
    stripeTime: stripeTimeOf(customers),
  };
}

/** Every page of a list, for callers that want it all (the stripe-mock test). */
export async function* allObjects(
  listPage: (params: ListParams) => Promise<ListPage>,
  params: ListParams = {},
): AsyncGenerator<unknown> {
  for (let cursor: string | undefined, more = true; more;) {
    const page = await listPage({ ...params, ...(cursor && { starting_after: cursor }) });
    yield* page.data;
    cursor = page.nextCursor;
    more = page.hasMore && cursor !== undefined;
  }
}

/** Products, prices and plans: what a pricing page shows, and which plan a subscription is on. */
import { KINDS } from '../../common/kinds';
import type { StripeEvent } from '../../common/stripe-event';
import { plans, prices, products } from '../../db/schema';
import { int, maybeBool, ref, str, sub } from '../read';
import { deletedFlag } from './define';
import type { MirrorKindOf } from './define';
import { deletable, metadataOf, upsertHandler } from './simple';
import { apiPage } from './list-page';

export function productRow(event: StripeEvent): typeof products.$inferInsert {
  const { object: product, bare, base } = deletable(event, 'product');
  if (bare) return base;
  return {
    ...base,
    name: str(product.name),
    description: str(product.description),
    active: maybeBool(product.active),
    defaultPriceId: ref(product.default_price),
    metadata: metadataOf(product.metadata),
  };
}

export function priceRow(event: StripeEvent): typeof prices.$inferInsert {
  const { object: price, bare, base } = deletable(event, 'price');
  if (bare) return base;
  const recurring = sub(price.recurring);
  return {
    ...base,
    productId: ref(price.product),
    active: maybeBool(price.active),
    currency: str(price.currency),
    unitAmount: int(price.unit_amount),
    type: str(price.type),
    recurringInterval: str(recurring.interval),
    recurringIntervalCount: int(recurring.interval_count),
    lookupKey: str(price.lookup_key),
    nickname: str(price.nickname),
    metadata: metadataOf(price.metadata),
  };
}

export function planRow(event: StripeEvent): typeof plans.$inferInsert {
  const { object: plan, bare, base } = deletable(event, 'plan');
  if (bare) return base;
  return {
    ...base,
    productId: ref(plan.product),
    active: maybeBool(plan.active),
    currency: str(plan.currency),
    amount: int(plan.amount),
    interval: str(plan.interval),
    intervalCount: int(plan.interval_count),
    nickname: str(plan.nickname),
    metadata: metadataOf(plan.metadata),
  };
}

export const productKind: MirrorKindOf<'product'> = {
  table: products,
  storedStatus: deletedFlag(products.deleted),
  retrieve: (stripe, id, options) => stripe.products.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.products.list(params, options)),
  handler: upsertHandler(KINDS.product.handler, products, productRow),
};

export const priceKind: MirrorKindOf<'price'> = {
  table: prices,
  storedStatus: deletedFlag(prices.deleted),
  retrieve: (stripe, id, options) => stripe.prices.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.prices.list(params, options)),
  handler: upsertHandler(KINDS.price.handler, prices, priceRow),
};

export const planKind: MirrorKindOf<'plan'> = {
  table: plans,
  storedStatus: deletedFlag(plans.deleted),
  retrieve: (stripe, id, options) => stripe.plans.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.plans.list(params, options)),
  handler: upsertHandler(KINDS.plan.handler, plans, planRow),
};

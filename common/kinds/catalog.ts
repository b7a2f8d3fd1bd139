import { DELETED_RANKS } from './spec';
import type { KindSpec } from './spec';

/** What is sold and at what price, what it costs less with, and the features it grants. */
export const CATALOG_KINDS = {
  product: {
    handler: 'applyProductEvent',
    table: 'products',
    events: [
      'product.created',
      'product.updated',
      'product.deleted',
      'product.activated',
      'product.deactivated',
      'product.default_price_changed',
      'product.tax_code_changed',
    ],
    ranks: DELETED_RANKS,
    final: ['deleted'],
  },
  price: {
    handler: 'applyPriceEvent',
    table: 'prices',
    events: [
      'price.created',
      'price.updated',
      'price.deleted',
      'price.activated',
      'price.deactivated',
      'price.lookup_key_changed',
      'price.tax_behavior_changed',
    ],
    ranks: DELETED_RANKS,
    final: ['deleted'],
  },
  plan: {
    handler: 'applyPlanEvent',
    table: 'plans',
    events: ['plan.created', 'plan.updated', 'plan.deleted'],
    ranks: DELETED_RANKS,
    final: ['deleted'],
  },
  coupon: {
    handler: 'applyCouponEvent',
    table: 'coupons',
    events: ['coupon.created', 'coupon.updated', 'coupon.deleted'],
    ranks: DELETED_RANKS,
    final: ['deleted'],
  },
  promotion_code: {
    handler: 'applyPromotionCodeEvent',
    table: 'promotion_codes',
    // `active` goes both ways (a code can be reactivated): no ranks.
    events: ['promotion_code.created', 'promotion_code.updated', 'promotion_code.fully_redeemed'],
  },
  discount: {
    handler: 'applyDiscountEvent',
    table: 'discounts',
    events: [
      'customer.discount.created',
      'customer.discount.updated',
      'customer.discount.deleted',
      'customer.discount.source_changed',
    ],
    ranks: DELETED_RANKS,
    final: ['deleted'],
  },
  'entitlements.active_entitlement_summary': {
    handler: 'applyEntitlementSummaryEvent',
    table: 'entitlement_summaries',
    events: ['entitlements.active_entitlement_summary.updated'],
    // One summary per customer, and it has no id of its own.
    key: 'customer',
  },
  'entitlements.feature': {
    // No event carries a feature: summaries name them, and the initial sync lists them.
    handler: null,
    table: 'entitlement_features',
    events: [],
  },
} as const satisfies Record<string, KindSpec>;

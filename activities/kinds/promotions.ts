/** Coupons, the promotion codes that hand them out, and the discounts they become. */
import type Stripe from 'stripe';
import { KINDS } from '../../common/kinds';
import type { StripeApi } from '../../common/stripe-api';
import type { StripeEvent, StripeObject } from '../../common/stripe-event';
import { coupons, discounts, promotionCodes } from '../../db/schema';
import { bool, eventObject, int, listData, maybeBool, ref, requireText, str, sub, time } from '../read';
import { deletedFlag } from './define';
import type { ListPage, ListParams, MirrorKindOf } from './define';
import { deletable, metadataOf, upsertHandler, versionOf } from './simple';
import { allPages, apiPage, perCustomerPage } from './list-page';

export function couponRow(event: StripeEvent): typeof coupons.$inferInsert {
  const { object: coupon, bare, base } = deletable(event, 'coupon');
  if (bare) return base;
  return {
    ...base,
    name: str(coupon.name),
    percentOff: typeof coupon.percent_off === 'number' ? coupon.percent_off : null,
    amountOff: int(coupon.amount_off),
    currency: str(coupon.currency),
    duration: str(coupon.duration),
    durationInMonths: int(coupon.duration_in_months),
    maxRedemptions: int(coupon.max_redemptions),
    timesRedeemed: int(coupon.times_redeemed),
    redeemBy: time(coupon.redeem_by),
    valid: maybeBool(coupon.valid),
    metadata: metadataOf(coupon.metadata),
  };
}

/** `coupon` before API 2025-09-30.clover, `promotion.coupon` (or a discount's `source.coupon`) since. */
function couponOf(object: StripeObject, moved: unknown): string | null {
  return ref(object.coupon) ?? ref(sub(moved).coupon);
}

export function promotionCodeRow(event: StripeEvent): typeof promotionCodes.$inferInsert {
  const code = eventObject(event, 'promotion_code');
  return {
    id: code.id,
    code: requireText(event, code.code, 'code'),
    couponId: couponOf(code, code.promotion),
    customerId: ref(code.customer),
    active: bool(code.active),
    expiresAt: time(code.expires_at),
    maxRedemptions: int(code.max_redemptions),
    timesRedeemed: int(code.times_redeemed),
    livemode: event.livemode,
    metadata: metadataOf(code.metadata),
    ...versionOf(event, 'promotion_code', null),
  };
}

/**
 * Discounts have ids since API 2020-08-27. Before that a customer or a subscription had at most
 * one, so its owner's id keys it (Stripe's id prefixes keep `cus_` and `sub_` apart).
 */
export function discountKey(discount: StripeObject): string | undefined {
  return str(discount.id) ?? ref(discount.subscription) ?? ref(discount.customer) ?? undefined;
}

export function discountRow(event: StripeEvent): typeof discounts.$inferInsert {
  const raw = event.data.object;
  const { object: discount, bare, base } = deletable(event, 'discount', discountKey(raw));
  if (bare) return base;
  return {
    ...base,
    customerId: ref(discount.customer),
    subscriptionId: ref(discount.subscription),
    invoiceId: ref(discount.invoice),
    couponId: couponOf(discount, discount.source),
    promotionCodeId: ref(discount.promotion_code),
    start: time(discount.start),
    end: time(discount.end),
  };
}

/** Discounts have no list endpoint: the customers' and the subscriptions' own. */
function listDiscounts(
  api: StripeApi,
  params: ListParams,
  options: Stripe.RequestOptions,
): Promise<ListPage> {
  return perCustomerPage(api, params, options, async (customer) => {
    const subscriptions = await allPages(api, (stripe, after) =>
      stripe.subscriptions.list(
        {
          customer: customer.id,
          status: 'all',
          expand: ['data.discounts'],
          limit: 100,
          ...(after && { starting_after: after }),
        },
        options,
      ),
    );
    return [
      ...(customer.discount ? [customer.discount] : []),
      ...subscriptions.flatMap((subscription) => listData(subscription.discounts)),
    ];
  });
}

export const couponKind: MirrorKindOf<'coupon'> = {
  table: coupons,
  storedStatus: deletedFlag(coupons.deleted),
  retrieve: (stripe, id, options) => stripe.coupons.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.coupons.list(params, options)),
  handler: upsertHandler(KINDS.coupon.handler, coupons, couponRow),
};

export const promotionCodeKind: MirrorKindOf<'promotion_code'> = {
  table: promotionCodes,
  retrieve: (stripe, id, options) => stripe.promotionCodes.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.promotionCodes.list(params, options)),
  handler: upsertHandler(KINDS.promotion_code.handler, promotionCodes, promotionCodeRow),
};

/** No retrieve: Stripe's API has none for discounts (thin discount events use their snapshot event). */
export const discountKind: MirrorKindOf<'discount'> = {
  table: discounts,
  storedStatus: deletedFlag(discounts.deleted),
  listPage: listDiscounts,
  handler: upsertHandler(KINDS.discount.handler, discounts, discountRow),
};

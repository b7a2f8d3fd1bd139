/**
 * The database and API side of the table of kinds: one entry per kind of common/kinds, checked at
 * compile time to cover every kind and to implement a handler exactly where the kind names one.
 * Re-fetch, the activity library and (next) the initial sync read it.
 */
import type { KindName } from '../../common/kinds';
import {
  chargeKind,
  checkoutSessionKind,
  customerKind,
  disputeKind,
  invoiceKind,
  paymentIntentKind,
  refundKind,
  subscriptionKind,
} from './core';
import { creditNoteKind, invoicePaymentKind, subscriptionScheduleKind, taxIdKind } from './billing';
import { planKind, priceKind, productKind } from './catalog';
import { entitlementSummaryKind, featureKind } from './entitlements';
import { couponKind, discountKind, promotionCodeKind } from './promotions';
import { earlyFraudWarningKind, reviewKind } from './radar';
import { paymentMethodKind, setupIntentKind } from './wallet';
import type { MirrorKind, MirrorKindOf } from './define';

export type { KindHandler, ListPage, ListParams, MirrorKind, MirrorTable } from './define';

export const MIRROR_KINDS = {
  customer: customerKind,
  subscription: subscriptionKind,
  'checkout.session': checkoutSessionKind,
  invoice: invoiceKind,
  payment_intent: paymentIntentKind,
  charge: chargeKind,
  refund: refundKind,
  dispute: disputeKind,
  subscription_schedule: subscriptionScheduleKind,
  invoice_payment: invoicePaymentKind,
  credit_note: creditNoteKind,
  tax_id: taxIdKind,
  payment_method: paymentMethodKind,
  setup_intent: setupIntentKind,
  'radar.early_fraud_warning': earlyFraudWarningKind,
  review: reviewKind,
  product: productKind,
  price: priceKind,
  plan: planKind,
  coupon: couponKind,
  promotion_code: promotionCodeKind,
  discount: discountKind,
  'entitlements.active_entitlement_summary': entitlementSummaryKind,
  'entitlements.feature': featureKind,
} satisfies { [K in KindName]: MirrorKindOf<K> };

/** The entry of a kind by its `object` value, or undefined for objects the mirror does not hold. */
export function mirrorKind(name: string): MirrorKind | undefined {
  return Object.hasOwn(MIRROR_KINDS, name) ? MIRROR_KINDS[name as KindName] : undefined;
}

/** The kinds of the first release, wired to their handler families in activities/. */
import {
  checkoutSessions,
  charges,
  customers,
  disputes,
  invoices,
  paymentIntents,
  refunds,
  subscriptions,
} from '../../db/schema';
import { createCheckoutActivities } from '../checkout';
import { createCustomerActivities } from '../customers';
import { createDisputeActivities } from '../disputes';
import { createInvoiceActivities } from '../invoices';
import { createPaymentActivities } from '../payments';
import { createSubscriptionActivities } from '../subscriptions';
import { deletedFlag } from './define';
import type { KindHandler, MirrorKindOf } from './define';
import { apiPage } from './list-page';

/** A family's handler as a free function (the families return objects of methods). */
function bound<F extends Record<K, KindHandler>, K extends keyof F & string>(
  family: F,
  name: K,
): KindHandler {
  return (event, refetched) => family[name](event, refetched);
}

export const customerKind: MirrorKindOf<'customer'> = {
  table: customers,
  storedStatus: deletedFlag(customers.deleted),
  retrieve: (stripe, id, options) => stripe.customers.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.customers.list(params, options)),
  handler: (deps) => bound(createCustomerActivities(deps), 'applyCustomerEvent'),
};

export const subscriptionKind: MirrorKindOf<'subscription'> = {
  table: subscriptions,
  storedStatus: { column: subscriptions.status },
  retrieve: (stripe, id, options) => stripe.subscriptions.retrieve(id, {}, options),
  // Without status=all the list leaves out canceled subscriptions.
  listPage: (api, params, options) =>
    apiPage(api, (stripe) => stripe.subscriptions.list({ status: 'all', ...params }, options)),
  handler: (deps) => bound(createSubscriptionActivities(deps), 'applySubscriptionEvent'),
};

export const checkoutSessionKind: MirrorKindOf<'checkout.session'> = {
  table: checkoutSessions,
  storedStatus: { column: checkoutSessions.status },
  retrieve: (stripe, id, options) => stripe.checkout.sessions.retrieve(id, {}, options),
  listPage: (api, params, options) =>
    apiPage(api, (stripe) => stripe.checkout.sessions.list(params, options)),
  handler: (deps) => bound(createCheckoutActivities(deps), 'applyCheckoutSessionEvent'),
};

export const invoiceKind: MirrorKindOf<'invoice'> = {
  table: invoices,
  storedStatus: { column: invoices.status },
  retrieve: (stripe, id, options) => stripe.invoices.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.invoices.list(params, options)),
  handler: (deps) => bound(createInvoiceActivities(deps), 'applyInvoiceEvent'),
};

export const paymentIntentKind: MirrorKindOf<'payment_intent'> = {
  table: paymentIntents,
  storedStatus: { column: paymentIntents.status },
  retrieve: (stripe, id, options) => stripe.paymentIntents.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.paymentIntents.list(params, options)),
  handler: (deps) => bound(createPaymentActivities(deps), 'applyPaymentIntentEvent'),
};

export const chargeKind: MirrorKindOf<'charge'> = {
  table: charges,
  storedStatus: { column: charges.status },
  retrieve: (stripe, id, options) => stripe.charges.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.charges.list(params, options)),
  handler: (deps) => bound(createPaymentActivities(deps), 'applyChargeEvent'),
};

export const refundKind: MirrorKindOf<'refund'> = {
  table: refunds,
  storedStatus: { column: refunds.status },
  retrieve: (stripe, id, options) => stripe.refunds.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.refunds.list(params, options)),
  handler: (deps) => bound(createPaymentActivities(deps), 'applyRefundEvent'),
};

export const disputeKind: MirrorKindOf<'dispute'> = {
  table: disputes,
  storedStatus: { column: disputes.status },
  retrieve: (stripe, id, options) => stripe.disputes.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.disputes.list(params, options)),
  handler: (deps) => bound(createDisputeActivities(deps), 'applyDisputeEvent'),
};

/** Payment methods (the card on file) and the setup intents that save them. */
import type Stripe from 'stripe';
import { KINDS } from '../../common/kinds';
import type { StripeApi } from '../../common/stripe-api';
import type { StripeEvent } from '../../common/stripe-event';
import { paymentMethods, setupIntents } from '../../db/schema';
import { eventObject, int, ref, requireText, str, sub } from '../read';
import type { ListPage, ListParams, MirrorKindOf } from './define';
import { upsertHandler, versionOf } from './simple';
import { allPages, apiPage, perCustomerPage } from './list-page';

/** detached is final; a payment method without a customer that was never detached is unattached. */
export function paymentMethodStatus(eventType: string, customerId: string | null): string {
  if (eventType === 'payment_method.detached') return 'detached';
  return customerId ? 'attached' : 'unattached';
}

/** Brand, last 4 and expiry only: billing details (name, email, address) are not mirrored. */
export function paymentMethodRow(event: StripeEvent): typeof paymentMethods.$inferInsert {
  const method = eventObject(event, 'payment_method');
  const customerId = ref(method.customer);
  const status = paymentMethodStatus(event.type, customerId);
  const card = sub(method.card);
  return {
    id: method.id,
    customerId,
    type: requireText(event, method.type, 'type'),
    status,
    cardBrand: str(card.brand),
    cardLast4: str(card.last4),
    cardExpMonth: int(card.exp_month),
    cardExpYear: int(card.exp_year),
    livemode: event.livemode,
    ...versionOf(event, 'payment_method', status),
  };
}

export function setupIntentRow(event: StripeEvent): typeof setupIntents.$inferInsert {
  const intent = eventObject(event, 'setup_intent');
  const status = requireText(event, intent.status, 'status');
  const lastError = intent.last_setup_error;
  // A failed attempt returns the intent to requires_payment_method; it must outrank the attempt.
  const failed = status === 'requires_payment_method' && typeof lastError === 'object' && lastError !== null;
  return {
    id: intent.id,
    customerId: ref(intent.customer),
    paymentMethodId: ref(intent.payment_method),
    status,
    usage: str(intent.usage),
    lastSetupErrorCode: str(sub(lastError).code),
    cancellationReason: str(intent.cancellation_reason),
    livemode: event.livemode,
    ...versionOf(event, 'setup_intent', failed ? 'setup_failed' : status),
  };
}

/** Payment methods are listed per customer (the account-wide list is for Treasury only). */
function listPaymentMethods(
  api: StripeApi,
  params: ListParams,
  options: Stripe.RequestOptions,
): Promise<ListPage> {
  return perCustomerPage(api, params, options, (customer) =>
    allPages(api, (stripe, after) =>
      stripe.customers.listPaymentMethods(
        customer.id,
        { limit: 100, ...(after && { starting_after: after }) },
        options,
      ),
    ),
  );
}

export const paymentMethodKind: MirrorKindOf<'payment_method'> = {
  table: paymentMethods,
  storedStatus: { column: paymentMethods.status },
  retrieve: (stripe, id, options) => stripe.paymentMethods.retrieve(id, {}, options),
  listPage: listPaymentMethods,
  handler: upsertHandler(KINDS.payment_method.handler, paymentMethods, paymentMethodRow),
};

export const setupIntentKind: MirrorKindOf<'setup_intent'> = {
  table: setupIntents,
  storedStatus: { column: setupIntents.status },
  retrieve: (stripe, id, options) => stripe.setupIntents.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.setupIntents.list(params, options)),
  handler: upsertHandler(KINDS.setup_intent.handler, setupIntents, setupIntentRow),
};

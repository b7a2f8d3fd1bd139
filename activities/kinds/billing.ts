/** Subscription schedules, credit notes, invoice payments and customers' tax ids. */
import type Stripe from 'stripe';
import { KINDS } from '../../common/kinds';
import type { StripeApi } from '../../common/stripe-api';
import type { StripeEvent } from '../../common/stripe-event';
import { creditNotes, invoicePayments, subscriptionSchedules, taxIds } from '../../db/schema';
import { eventObject, int, maybeBool, ref, requireRef, requireText, str, sub, time } from '../read';
import { deletedFlag } from './define';
import type { ListPage, ListParams, MirrorKindOf } from './define';
import { deletable, metadataOf, upsertHandler, versionOf } from './simple';
import { allPages, apiPage, perCustomerPage } from './list-page';

export function subscriptionScheduleRow(event: StripeEvent): typeof subscriptionSchedules.$inferInsert {
  const schedule = eventObject(event, 'subscription_schedule');
  const status = requireText(event, schedule.status, 'status');
  const phase = sub(schedule.current_phase);
  return {
    id: schedule.id,
    customerId: requireRef(event, schedule.customer, 'customer'),
    subscriptionId: ref(schedule.subscription),
    status,
    endBehavior: str(schedule.end_behavior),
    currentPhaseStart: time(phase.start_date),
    currentPhaseEnd: time(phase.end_date),
    releasedSubscriptionId: ref(schedule.released_subscription),
    canceledAt: time(schedule.canceled_at),
    completedAt: time(schedule.completed_at),
    releasedAt: time(schedule.released_at),
    livemode: event.livemode,
    metadata: metadataOf(schedule.metadata),
    ...versionOf(event, 'subscription_schedule', status),
  };
}

export function creditNoteRow(event: StripeEvent): typeof creditNotes.$inferInsert {
  const note = eventObject(event, 'credit_note');
  const status = requireText(event, note.status, 'status');
  return {
    id: note.id,
    invoiceId: requireRef(event, note.invoice, 'invoice'),
    customerId: ref(note.customer),
    number: str(note.number),
    status,
    type: str(note.type),
    amount: int(note.amount) ?? 0,
    currency: requireText(event, note.currency, 'currency'),
    reason: str(note.reason),
    voidedAt: time(note.voided_at),
    livemode: event.livemode,
    ...versionOf(event, 'credit_note', status),
  };
}

export function invoicePaymentRow(event: StripeEvent): typeof invoicePayments.$inferInsert {
  const payment = eventObject(event, 'invoice_payment');
  const status = requireText(event, payment.status, 'status');
  const paidWith = sub(payment.payment);
  const transitions = sub(payment.status_transitions);
  return {
    id: payment.id,
    invoiceId: requireRef(event, payment.invoice, 'invoice'),
    status,
    amountPaid: int(payment.amount_paid),
    amountRequested: int(payment.amount_requested),
    currency: requireText(event, payment.currency, 'currency'),
    paymentType: str(paidWith.type),
    paymentIntentId: ref(paidWith.payment_intent),
    chargeId: ref(paidWith.charge),
    isDefault: maybeBool(payment.is_default),
    paidAt: time(transitions.paid_at),
    canceledAt: time(transitions.canceled_at),
    livemode: event.livemode,
    ...versionOf(event, 'invoice_payment', status),
  };
}

/** `customer` on older payloads, `owner.customer` (owner.type = customer) on current ones. */
export function taxIdRow(event: StripeEvent): typeof taxIds.$inferInsert {
  const { object: taxId, bare, base } = deletable(event, 'tax_id');
  if (bare) return base;
  return {
    ...base,
    customerId: ref(taxId.customer) ?? ref(sub(taxId.owner).customer),
    type: str(taxId.type),
    country: str(taxId.country),
    verificationStatus: str(sub(taxId.verification).status),
  };
}

/** Tax ids are listed per customer; the account-wide list holds the account's own. */
function listTaxIds(api: StripeApi, params: ListParams, options: Stripe.RequestOptions): Promise<ListPage> {
  return perCustomerPage(api, params, options, (customer) =>
    allPages(api, (stripe, after) =>
      stripe.customers.listTaxIds(
        customer.id,
        { limit: 100, ...(after && { starting_after: after }) },
        options,
      ),
    ),
  );
}

export const subscriptionScheduleKind: MirrorKindOf<'subscription_schedule'> = {
  table: subscriptionSchedules,
  storedStatus: { column: subscriptionSchedules.status },
  retrieve: (stripe, id, options) => stripe.subscriptionSchedules.retrieve(id, {}, options),
  listPage: (api, params, options) =>
    apiPage(api, (stripe) => stripe.subscriptionSchedules.list(params, options)),
  handler: upsertHandler(KINDS.subscription_schedule.handler, subscriptionSchedules, subscriptionScheduleRow),
};

export const creditNoteKind: MirrorKindOf<'credit_note'> = {
  table: creditNotes,
  storedStatus: { column: creditNotes.status },
  retrieve: (stripe, id, options) => stripe.creditNotes.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.creditNotes.list(params, options)),
  handler: upsertHandler(KINDS.credit_note.handler, creditNotes, creditNoteRow),
};

export const invoicePaymentKind: MirrorKindOf<'invoice_payment'> = {
  table: invoicePayments,
  storedStatus: { column: invoicePayments.status },
  retrieve: (stripe, id, options) => stripe.invoicePayments.retrieve(id, {}, options),
  listPage: (api, params, options) => apiPage(api, (stripe) => stripe.invoicePayments.list(params, options)),
  handler: upsertHandler(KINDS.invoice_payment.handler, invoicePayments, invoicePaymentRow),
};

export const taxIdKind: MirrorKindOf<'tax_id'> = {
  table: taxIds,
  storedStatus: deletedFlag(taxIds.deleted),
  retrieve: (stripe, id, options) => stripe.taxIds.retrieve(id, {}, options),
  listPage: listTaxIds,
  handler: upsertHandler(KINDS.tax_id.handler, taxIds, taxIdRow),
};

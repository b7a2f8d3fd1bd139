import type { StripeEvent } from '../common/stripe-event';
import { customers } from '../db/schema';
import type { ActivityDeps } from './deps';
import { upsertIfNewer, sourceEvent } from './guarded-upsert';
import { applyOnce } from './ledger';
import type { HandlerResult } from './ledger';
import type { RefetchOrigin } from './refetch';
import { statusRank } from './ordering';
import { bool, eventObject, ref, str, sub } from './read';

export function customerRow(event: StripeEvent): typeof customers.$inferInsert {
  const customer = eventObject(event, 'customer');
  // customer.deleted carries the customer with `deleted: true` in some versions, the full object in others.
  const deleted = event.type === 'customer.deleted' || bool(customer.deleted);
  return {
    id: customer.id,
    // A deleted customer keeps its row (invoices and charges point to it) but not its personal data.
    email: deleted ? null : str(customer.email),
    name: deleted ? null : str(customer.name),
    deleted,
    defaultPaymentMethodId: deleted
      ? null
      : (ref(sub(customer.invoice_settings).default_payment_method) ?? ref(customer.default_source)),
    livemode: event.livemode,
    metadata: deleted ? null : ((customer.metadata as Record<string, string> | undefined) ?? null),
    ...sourceEvent(event, statusRank('customer', deleted ? 'deleted' : 'active')),
  };
}

export function createCustomerActivities({ db }: ActivityDeps) {
  return {
    /** customer.created / .updated / .deleted → customers. A deletion is final and keeps the row. */
    async applyCustomerEvent(event: StripeEvent, refetched?: RefetchOrigin): Promise<HandlerResult> {
      return applyOnce(db, { event, refetched }, 'applyCustomerEvent', async (tx) =>
        (await upsertIfNewer(tx, customers, customerRow(event))) ? 'applied' : 'stale',
      );
    },
  };
}

import { createCheckoutActivities } from './checkout';
import { createCustomerActivities } from './customers';
import type { ActivityDeps } from './deps';
import { createDisputeActivities } from './disputes';
import { createInvoiceActivities } from './invoices';
import { createPaymentActivities } from './payments';
import { createSubscriptionActivities } from './subscriptions';

export type { ActivityDeps } from './deps';
export type { HandlerResult, Outcome } from './ledger';
export { INVALID_STRIPE_PAYLOAD } from './errors';

/**
 * The activity library: one handler per object family, each a single Postgres transaction that
 * writes the ledger row and the business change. Another service can run the same handlers in
 * its own worker: `new Worker({ activities: createActivities({ db }), ... })`.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCustomerActivities(deps),
    ...createSubscriptionActivities(deps),
    ...createCheckoutActivities(deps),
    ...createInvoiceActivities(deps),
    ...createPaymentActivities(deps),
    ...createDisputeActivities(deps),
  };
}

export type StripeActivities = ReturnType<typeof createActivities>;
export type HandlerName = keyof StripeActivities;

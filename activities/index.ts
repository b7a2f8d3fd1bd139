import { recordApiVersion } from './api-version';
import { createCheckoutActivities } from './checkout';
import { createCustomerActivities } from './customers';
import type { ActivityDeps } from './deps';
import { createDisputeActivities } from './disputes';
import { toActivityFailure } from './errors';
import { createInvoiceActivities } from './invoices';
import type { HandlerResult } from './ledger';
import { assertHandlerNotPaused } from './pause';
import { createPaymentActivities } from './payments';
import { createRefetcher } from './refetch';
import type { RefetchOrigin } from './refetch';
import { createSubscriptionActivities } from './subscriptions';
import type { HandlerName } from '../common/routing';
import type { StripeEvent } from '../common/stripe-event';

export type { ActivityDeps } from './deps';
export type { HandlerResult, Outcome } from './ledger';
export type { HandlerName } from '../common/routing';
export { INVALID_STRIPE_PAYLOAD } from './errors';
export { HANDLER_PAUSED } from './pause';
export { REFETCHABLE_OBJECTS } from './refetch';

/** What the workflow calls: one argument, the event as received. */
export type Handler = (event: StripeEvent) => Promise<HandlerResult>;
type FamilyHandler = (event: StripeEvent, refetched?: RefetchOrigin) => Promise<HandlerResult>;

/**
 * The activity library: one handler per object family, each a single Postgres transaction that
 * writes the ledger row and the business change. Another service can run the same handlers in
 * its own worker: `new Worker({ activities: createActivities({ db }), ... })`.
 *
 * Before a handler runs, the operator's controls apply: a paused handler waits (pause.ts), the
 * object may be re-fetched from Stripe's API (refetch.ts), and an api_version that differs from
 * the pinned one is recorded (api-version.ts).
 */
export function createActivities(deps: ActivityDeps): Record<HandlerName, Handler> {
  // `satisfies`: the routing table's handler names and this library must match exactly.
  const handlers = {
    ...createCustomerActivities(deps),
    ...createSubscriptionActivities(deps),
    ...createCheckoutActivities(deps),
    ...createInvoiceActivities(deps),
    ...createPaymentActivities(deps),
    ...createDisputeActivities(deps),
  } satisfies Record<HandlerName, FamilyHandler>;
  const refetcher = createRefetcher(deps);
  const controlled = (name: string, handler: FamilyHandler): Handler =>
    async function (event) {
      try {
        await assertHandlerNotPaused(deps.db, name);
        recordApiVersion(event);
        const prepared = await refetcher.prepare(event);
        return await handler(prepared.event, prepared.refetched);
      } catch (err) {
        throw toActivityFailure(err, `${name} on ${event.type} ${event.id}`);
      }
    };
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [name, controlled(name, handler)]),
  ) as Record<HandlerName, Handler>;
}

export type StripeActivities = ReturnType<typeof createActivities>;

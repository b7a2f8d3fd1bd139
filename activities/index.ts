import { createCustomerActivities } from './customers';
import type { ActivityDeps } from './deps';

export type { ActivityDeps } from './deps';
export type { HandlerResult, Outcome } from './ledger';
export { INVALID_STRIPE_PAYLOAD } from './errors';

/**
 * The activity library. Another service can register the same handlers in its own worker:
 *   new Worker({ activities: createActivities({ db }), ... })
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCustomerActivities(deps),
  };
}

export type StripeActivities = ReturnType<typeof createActivities>;
export type HandlerName = keyof StripeActivities;

import type { StripeApi } from '../common/stripe-api';
import type { Database } from '../db/client';
import type { SubscriberDispatcher } from './subscribers';

/** What every handler family needs. The worker passes real clients; tests pass a test database. */
export interface ActivityDeps {
  db: Database;
  /** Injected so tests can pin time. Only used for bookkeeping columns, never for ordering. */
  clock?: () => Date;
  /** Stripe's API, when an API key is configured: enables re-fetch (refetch.ts). */
  stripeApi?: StripeApi | undefined;
  /** Object kinds (`subscription`, `invoice`, ...) always applied as retrieved from the API. */
  refetchObjects?: readonly string[] | undefined;
  /** Starts the deliveries to subscribers (SUBSCRIPTIONS_FILE) once a handler has committed. */
  subscribers?: SubscriberDispatcher | undefined;
}

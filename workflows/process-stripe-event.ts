import { log, proxyActivities } from '@temporalio/workflow';
import type { StripeActivities } from '../activities';
import { INVALID_STRIPE_PAYLOAD } from '../common/failures';
import type { StripeEvent } from '../common/stripe-event';
import { routeFor } from './routing';

/**
 * No attempt limit: a handler failing on a transient error (database down, a bug) keeps retrying
 * with capped backoff and shows as a pending activity in the Web UI, the stuck-event view. Deploy
 * the fix and the next attempt succeeds. Payloads that break an invariant fail at once instead.
 */
const handlers = proxyActivities<StripeActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: [INVALID_STRIPE_PAYLOAD],
  },
});

export interface ProcessResult {
  eventId: string;
  eventType: string;
  /** applied: the mirror changed; stale: it already held newer state; ignored: no handler. */
  outcome: 'applied' | 'stale' | 'ignored';
  handler?: string;
  /** The ledger already held the event (a reset or a redelivery): nothing was written again. */
  alreadyRecorded?: boolean;
}

export async function processStripeEvent(event: StripeEvent): Promise<ProcessResult> {
  const base = { eventId: event.id, eventType: event.type };
  const handler = routeFor(event.type);
  if (!handler) {
    log.info('no handler for event type; ignored', base);
    return { ...base, outcome: 'ignored' };
  }
  const result = await handlers[handler](event);
  log.info('event processed', {
    ...base,
    handler,
    outcome: result.outcome,
    alreadyRecorded: result.alreadyRecorded,
  });
  return { ...base, outcome: result.outcome, handler, alreadyRecorded: result.alreadyRecorded };
}

import { log, patched, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { StripeActivities } from '../activities';
import type { Outcome, ProcessResult, ProcessStripeEvent } from '../common/event-workflow';
import { INVALID_STRIPE_PAYLOAD } from '../common/failures';
import { FIRST_RELEASE_TYPES, ROUTED_LATER_PATCH, routeFor } from '../common/routing';
import { StripeOutcome } from '../common/search-attributes';

/**
 * No attempt limit: a handler failing on a transient error (database down, a bug, a paused
 * handler) keeps retrying with capped backoff and shows as a pending activity in the Web UI, the
 * stuck-event view. Deploy the fix and the next attempt succeeds. Payloads that break an invariant
 * fail at once instead.
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

/**
 * `StripeOutcome` makes outcomes filterable in the Web UI (`StripeOutcome="stale"`). Histories
 * recorded before it existed have no upsert command, so the patch keeps them replayable.
 */
function recordOutcome(outcome: Outcome | 'failed'): void {
  if (patched('stripe-outcome-search-attribute')) {
    upsertSearchAttributes([{ key: StripeOutcome, value: outcome }]);
  }
}

/**
 * The handler for a type. A type routed after the first release was once completed as `ignored`
 * without a marker; under the patch, its old histories replay as ignored and new runs are handled.
 */
function handlerFor(eventType: string): ReturnType<typeof routeFor> {
  const handler = routeFor(eventType);
  if (!handler || FIRST_RELEASE_TYPES.has(eventType)) return handler;
  return patched(ROUTED_LATER_PATCH) ? handler : undefined;
}

/** Implements the contract in common/event-workflow.ts, which every starter is typed against. */
export const processStripeEvent: ProcessStripeEvent = async (event): Promise<ProcessResult> => {
  const base = { eventId: event.id, eventType: event.type };
  const handler = handlerFor(event.type);
  if (!handler) {
    log.info('no handler for event type; ignored', base);
    recordOutcome('ignored');
    return { ...base, outcome: 'ignored' };
  }
  let result: Awaited<ReturnType<StripeActivities[typeof handler]>>;
  try {
    result = await handlers[handler](event);
  } catch (err) {
    recordOutcome('failed');
    throw err;
  }
  log.info('event processed', {
    ...base,
    handler,
    outcome: result.outcome,
    alreadyRecorded: result.alreadyRecorded,
    refetched: result.refetched,
  });
  recordOutcome(result.outcome);
  return {
    ...base,
    outcome: result.outcome,
    handler,
    alreadyRecorded: result.alreadyRecorded,
    refetched: result.refetched,
  };
};

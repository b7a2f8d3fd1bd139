/**
 * Version 1 of processStripeEvent (see common/event-workflow.ts, ProcessOptions).
 */
import { log, patched, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { StripeActivities } from '../activities';
import type { Outcome, ProcessResult } from '../common/event-workflow';
import { FIRST_RELEASE_TYPES, ROUTED_LATER_PATCH, routeFor } from '../common/routing';
import { StripeOutcome } from '../common/search-attributes';
import type { StripeEvent } from '../common/stripe-event';
import { HANDLER_ACTIVITY } from './handler-options';

const handlers = proxyActivities<StripeActivities>(HANDLER_ACTIVITY);

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

/**
 * The first release's processing, kept for the runs started without options (before version 2):
 * the handler as a regular activity, two patches. Replaying their histories (test/histories/v1-v3e)
 * needs exactly this code; it can go once the namespace retention has passed since version 2.
 */
export async function processFirstRelease(event: StripeEvent): Promise<ProcessResult> {
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
}

/**
 * Version 2 of processStripeEvent (see common/event-workflow.ts, ProcessOptions): the handler runs
 * as a local activity first, and only if that does not succeed quickly as the regular activity the
 * Web UI and `ops stuck` show with its attempts. A successful event costs one workflow task and 7
 * history events (started, task scheduled/started/completed, the local activity's marker, the
 * outcome's search attribute, completed) instead of 14.
 *
 * The handler may run twice (the local activity succeeded, then the workflow task was lost before
 * it completed; or its last attempt timed out after writing): the ledger makes the second run a
 * no-op reported as alreadyRecorded (test/workflows/local-first.test.ts proves it).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { StripeActivities } from '../activities';
import type { Outcome, ProcessResult } from '../common/event-workflow';
import { INVALID_STRIPE_PAYLOAD } from '../common/failures';
import { routeFor } from '../common/routing';
import type { HandlerName } from '../common/routing';
import { StripeOutcome } from '../common/search-attributes';
import type { StripeEvent } from '../common/stripe-event';
import { HANDLER_ACTIVITY, HANDLER_LOCAL_ACTIVITY } from './handler-options';

const localHandlers = proxyLocalActivities<StripeActivities>(HANDLER_LOCAL_ACTIVITY);
const handlers = proxyActivities<StripeActivities>(HANDLER_ACTIVITY);

type HandlerResult = Awaited<ReturnType<StripeActivities[HandlerName]>>;

function recordOutcome(outcome: Outcome | 'failed'): void {
  upsertSearchAttributes([{ key: StripeOutcome, value: outcome }]);
}

/**
 * The handler's own failure. A regular activity's failure arrives wrapped in an ActivityFailure; a
 * local activity's arrives as the handler threw it.
 */
function handlerFailure(err: unknown): unknown {
  return err instanceof ActivityFailure ? err.cause : err;
}

/** The failure's type, never its message: messages may quote the payload. */
function failureType(err: unknown): string {
  const cause = handlerFailure(err);
  return cause instanceof ApplicationFailure ? (cause.type ?? 'Error') : ((cause as Error)?.name ?? 'Error');
}

function isInvalidPayload(err: unknown): boolean {
  const cause = handlerFailure(err);
  return cause instanceof ApplicationFailure && cause.type === INVALID_STRIPE_PAYLOAD;
}

async function runHandler(handler: HandlerName, event: StripeEvent): Promise<HandlerResult> {
  try {
    return await localHandlers[handler](event);
  } catch (err) {
    if (isCancellation(err) || isInvalidPayload(err)) throw err;
    log.warn('handler did not succeed as a local activity; continuing as a regular activity', {
      eventId: event.id,
      eventType: event.type,
      handler,
      failureType: failureType(err),
    });
    return await handlers[handler](event);
  }
}

export async function processLocalFirst(event: StripeEvent): Promise<ProcessResult> {
  const base = { eventId: event.id, eventType: event.type };
  const handler = routeFor(event.type);
  if (!handler) {
    log.info('no handler for event type; ignored', base);
    recordOutcome('ignored');
    return { ...base, outcome: 'ignored' };
  }
  let result: HandlerResult;
  try {
    result = await runHandler(handler, event);
  } catch (err) {
    recordOutcome('failed');
    throw err;
  }
  const { outcome, alreadyRecorded, refetched, subscribers } = result;
  log.info('event processed', { ...base, handler, outcome, alreadyRecorded, refetched });
  recordOutcome(outcome);
  // The handler chose the subscribers (outside workflow code), so this stays deterministic.
  return { ...base, outcome, handler, alreadyRecorded, refetched, ...(subscribers && { subscribers }) };
}

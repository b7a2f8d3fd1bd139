import { Context } from '@temporalio/activity';
import { PROCESS_STRIPE_EVENT } from '../common/event-workflow';
import { searchAttributesFor } from '../common/search-attributes';
import type { StripeEvent } from '../common/stripe-event';
import type { HandlerResult } from './ledger';
import type { SubscriberDispatcher } from './subscribers';

/**
 * After a handler committed (or found its event already in the ledger): the event's deliveries to
 * its subscribers, with the object as the mirror applied it. Only for an event workflow: a capture
 * (applyCapturedObject) runs the same handlers, and the webhook that follows is what subscribers get.
 * Resolves with the subscribers' names, or undefined when nothing was dispatched.
 */
export async function dispatchStripeEvent(
  dispatcher: SubscriberDispatcher | undefined,
  applied: StripeEvent,
  result: HandlerResult,
): Promise<string[] | undefined> {
  if (!dispatcher) return undefined;
  const info = activityInfo();
  if (info?.workflowType !== PROCESS_STRIPE_EVENT) return undefined;
  const names = await dispatcher.dispatch(
    info.workflowExecution?.workflowId ?? applied.id,
    {
      version: 1,
      source: 'stripe',
      eventId: applied.id,
      eventType: applied.type,
      account: typeof applied.account === 'string' ? applied.account : null,
      object: applied.data.object,
      outcome: result.outcome,
    },
    searchAttributesFor(applied),
  );
  return names.length > 0 ? names : undefined;
}

/** The running activity's info; undefined when a handler is called directly (tests, other services). */
function activityInfo() {
  try {
    return Context.current().info;
  } catch {
    return undefined;
  }
}

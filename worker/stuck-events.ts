/**
 * How many event workflows are stuck, for Prometheus: an activity that retries forever never fails
 * its workflow, so "failed workflows" stays at zero while events pile up. Stuck = still running
 * longer than a threshold after its start (a healthy event completes in milliseconds).
 *
 * Cheap by construction: visibility counts only, no listing and no describe. In the usual case
 * (nothing stuck) that is one count per workflow type per interval (plus one for deliveries to
 * subscribers, when there are subscribers); the per-handler and per-subscriber splits and the
 * oldest age are asked for only while something is stuck.
 */
import type { Client } from '@temporalio/client';
import { PROCESS_STRIPE_EVENT } from '../common/event-workflow';
import { PROCESS_PROVIDER_EVENT } from '../common/provider-event';
import { HANDLER_NAMES, ROUTES } from '../common/routing';
import { DELIVER_TO_SUBSCRIBER, subscriberWorkflowId } from '../common/subscriber-contract';
import type { HandlerName } from '../common/routing';

export const EVENT_WORKFLOW_TYPES = [PROCESS_STRIPE_EVENT, PROCESS_PROVIDER_EVENT] as const;
/** Stuck Stripe events whose type has no handler: a failing workflow task, not a handler. */
export const NO_HANDLER = 'none';

export interface StuckEventsSnapshot {
  byWorkflowType: Record<(typeof EVENT_WORKFLOW_TYPES)[number], number>;
  /** Stuck Stripe events by handler; every handler present, 0 when none is stuck. */
  byHandler: Record<HandlerName | typeof NO_HANDLER, number>;
  /** Age of the oldest stuck event of either type, to the second; 0 when none is stuck. */
  oldestAgeSeconds: number;
  /** Deliveries to subscribers running past the threshold, by subscriber; each one given present. */
  bySubscriber: Record<string, number>;
}

/** Visibility's string literal; our names and event types never hold quotes, but be exact anyway. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function startedBefore(epochSeconds: number): string {
  return `StartTime < ${quote(new Date(epochSeconds * 1000).toISOString())}`;
}

/** Event types per handler, for `StripeEventType IN (...)`. */
const TYPES_BY_HANDLER: ReadonlyMap<HandlerName, string[]> = new Map(
  HANDLER_NAMES.map((handler) => [handler, Object.keys(ROUTES).filter((type) => ROUTES[type] === handler)]),
);

/** A year and a month: older than any namespace retention this project recommends. */
const OLDEST_SEARCHED_SECONDS = 400 * 86_400;

export async function measureStuckEvents(
  client: Client,
  {
    taskQueue,
    thresholdSeconds,
    subscribers = [],
  }: { taskQueue: string; thresholdSeconds: number; subscribers?: readonly string[] },
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<StuckEventsSnapshot> {
  const running = `TaskQueue=${quote(taskQueue)} AND ExecutionStatus="Running"`;
  const ofTypes = (types: readonly string[]) =>
    `WorkflowType IN (${types.map(quote).join(', ')}) AND ${running}`;
  const count = async (query: string) => (await client.workflow.count(query)).count;
  const cutoff = nowSeconds - thresholdSeconds;

  const [stripe, provider] = await Promise.all(
    EVENT_WORKFLOW_TYPES.map((type) => count(`${ofTypes([type])} AND ${startedBefore(cutoff)}`)),
  );
  const byHandler = Object.fromEntries(
    [...HANDLER_NAMES, NO_HANDLER].map((name) => [name, 0]),
  ) as StuckEventsSnapshot['byHandler'];
  if (stripe! > 0) {
    const stuckStripe = `${ofTypes([PROCESS_STRIPE_EVENT])} AND ${startedBefore(cutoff)}`;
    for (const [handler, types] of TYPES_BY_HANDLER) {
      byHandler[handler] = await count(
        `${stuckStripe} AND StripeEventType IN (${types.map(quote).join(', ')})`,
      );
    }
    const routed = Object.values(byHandler).reduce((sum, n) => sum + n, 0);
    byHandler[NO_HANDLER] = Math.max(0, stripe! - routed);
  }
  let oldestAgeSeconds = 0;
  if (stripe! + provider! > 0) {
    // The oldest start, by bisection over counts: visibility on SQL stores cannot sort ascending,
    // and listing every stuck event to find the first is what this gauge must not cost.
    const anyStartedBefore = async (epochSeconds: number) =>
      (await count(`${ofTypes(EVENT_WORKFLOW_TYPES)} AND ${startedBefore(epochSeconds)}`)) > 0;
    // Invariant: nothing started before `notBefore`, something before `before`. Anything older
    // than the searched range reads as its bound.
    let notBefore = nowSeconds - OLDEST_SEARCHED_SECONDS;
    let before = cutoff;
    if (!(await anyStartedBefore(notBefore))) {
      while (before - notBefore > 1) {
        const middle = Math.floor((before + notBefore) / 2);
        if (await anyStartedBefore(middle)) before = middle;
        else notBefore = middle;
      }
    }
    oldestAgeSeconds = nowSeconds - notBefore;
  }
  // Deliveries: one count while none is stuck, then one per subscriber (by its workflow id prefix).
  const bySubscriber = Object.fromEntries(subscribers.map((name) => [name, 0]));
  if (subscribers.length > 0) {
    const stuckDeliveries = `${ofTypes([DELIVER_TO_SUBSCRIBER])} AND ${startedBefore(cutoff)}`;
    if ((await count(stuckDeliveries)) > 0) {
      for (const name of subscribers) {
        const prefix = subscriberWorkflowId(name, '');
        bySubscriber[name] = await count(`${stuckDeliveries} AND WorkflowId STARTS_WITH ${quote(prefix)}`);
      }
    }
  }
  return {
    byWorkflowType: { [PROCESS_STRIPE_EVENT]: stripe!, [PROCESS_PROVIDER_EVENT]: provider! },
    byHandler,
    oldestAgeSeconds,
    bySubscriber,
  };
}

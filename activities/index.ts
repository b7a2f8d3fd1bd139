import { recordApiVersion } from './api-version';
import type { ActivityDeps } from './deps';
import { toActivityFailure } from './errors';
import { MIRROR_KINDS } from './kinds';
import type { KindHandler } from './kinds';
import type { HandlerResult } from './ledger';
import { assertHandlerNotPaused } from './pause';
import { createRefetcher } from './refetch';
import { dispatchStripeEvent } from './stripe-dispatch';
import { KIND_NAMES, KINDS } from '../common/kinds';
import type { HandlerName } from '../common/routing';
import type { StripeEvent } from '../common/stripe-event';

export type { ActivityDeps } from './deps';
export type { HandlerResult, Outcome } from './ledger';
export type { HandlerName } from '../common/routing';
export { INVALID_STRIPE_PAYLOAD } from './errors';
export { HANDLER_PAUSED } from './pause';
export { REFETCHABLE_OBJECTS } from './refetch';
export { THIN_EVENT_NEEDS_API_KEY } from './thin-events';

/** What the workflow calls: one argument, the event as received. */
export type Handler = (event: StripeEvent) => Promise<HandlerResult>;

/** Every kind's handler under its name (activities/kinds checks each kind implements its own). */
function kindHandlers(deps: ActivityDeps): Record<HandlerName, KindHandler> {
  const handlers: Partial<Record<HandlerName, KindHandler>> = {};
  for (const name of KIND_NAMES) {
    const handlerName: HandlerName | null = KINDS[name].handler;
    const build = MIRROR_KINDS[name].handler;
    if (handlerName && build) handlers[handlerName] = build(deps);
  }
  return handlers as Record<HandlerName, KindHandler>;
}

/**
 * The activity library: one handler per object kind, each a single Postgres transaction that
 * writes the ledger row and the business change. Another service can run the same handlers in
 * its own worker: `new Worker({ activities: createActivities({ db }), ... })`.
 *
 * Before a handler runs, the operator's controls apply: a paused handler waits (pause.ts), the
 * object may be re-fetched from Stripe's API (refetch.ts), and an api_version that differs from
 * the pinned one is recorded (api-version.ts). After it, with `deps.subscribers`, the event is
 * handed to its subscribers (stripe-dispatch.ts).
 */
export function createActivities(deps: ActivityDeps): Record<HandlerName, Handler> {
  // `satisfies`: the routing table's handler names and this library must match exactly.
  const handlers = kindHandlers(deps) satisfies Record<HandlerName, KindHandler>;
  const refetcher = createRefetcher(deps);
  const controlled = (name: string, handler: KindHandler): Handler =>
    async function (event) {
      try {
        await assertHandlerNotPaused(deps.db, name);
        recordApiVersion(event);
        const prepared = await refetcher.prepare(event);
        const result = await handler(prepared.event, prepared.refetched);
        // Also on the alreadyRecorded path: a retry after a failed dispatch must still dispatch.
        const subscribers = await dispatchStripeEvent(deps.subscribers, prepared.event, result);
        return subscribers ? { ...result, subscribers } : result;
      } catch (err) {
        throw toActivityFailure(err, `${name} on ${event.type} ${event.id}`);
      }
    };
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [name, controlled(name, handler)]),
  ) as Record<HandlerName, Handler>;
}

export type StripeActivities = ReturnType<typeof createActivities>;

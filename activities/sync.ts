/**
 * The initial sync's activity: one page of one kind, listed from Stripe's API and applied through
 * the kind's own handler, the same guarded upsert and derived rows as its events.
 *
 * A listed object is versioned as of the listing, by Stripe's clock (the page's Date header) less
 * a second, as re-fetch does (stripe-fetch.ts): an event created after that moment wins, and older
 * events arriving later are stale. Its ledger id (`api_list_<sync>_<object>`) sorts before every
 * `evt_` id, so in the tied second itself the event wins too: an event of that second may be a
 * change the listing did not see, and the worst it can do is rewrite what the listing held.
 *
 * The event type is `<kind>.listed`, which no handler routes to a notification: a sync is history,
 * not news, and writes nothing to the outbox.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { mapWithConcurrency } from '../common/concurrency';
import { INVALID_STRIPE_PAYLOAD } from '../common/failures';
import { KIND_NAMES, kindSpec } from '../common/kinds';
import type { KindName } from '../common/kinds';
import type { StripeApi } from '../common/stripe-api';
import { refId } from '../common/stripe-event';
import type { StripeEvent, StripeObject } from '../common/stripe-event';
import type { SyncPageInput, SyncPageResult, SyncReject } from '../common/sync';
import type { ActivityDeps } from './deps';
import { MIRROR_KINDS } from './kinds';
import type { KindHandler, ListPage } from './kinds';
import { withoutStripeMessage } from './stripe-fetch';

/** Objects of a page applied at once: each is its own short transaction on its own row. */
const APPLY_CONCURRENCY = 4;

export const LISTED_EVENT_PREFIX = 'api_list_';

/** The ledger id of an object applied by sync `syncId`: a retried page finds its own rows. */
export function listedEventId(syncId: string, objectId: string): string {
  return `${LISTED_EVENT_PREFIX}${syncId.replace(/-/g, '')}_${objectId}`;
}

/** A listed object as the event its handler applies. */
export function listedEvent(
  input: Pick<SyncPageInput, 'syncId' | 'kind' | 'account'>,
  object: StripeObject,
  asOf: number,
  key: string,
): StripeEvent {
  return {
    id: listedEventId(input.syncId, key),
    object: 'event',
    type: `${input.kind}.listed`,
    created: asOf,
    livemode: object.livemode === true,
    api_version: null,
    account: input.account ?? null,
    data: { object },
  };
}

function handlersFor(deps: ActivityDeps): Record<KindName, KindHandler> {
  const handlers = {} as Record<KindName, KindHandler>;
  for (const kind of KIND_NAMES) {
    const mirror = MIRROR_KINDS[kind];
    const build = mirror.handler ?? ('listedHandler' in mirror ? mirror.listedHandler : undefined);
    if (!build) throw new Error(`kind ${kind} has neither a handler nor a listedHandler`);
    handlers[kind] = build(deps);
  }
  return handlers;
}

function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Outside an activity (tests call the page function directly).
  }
}

/** The row key of a listed object: `id`, or the kind's own key (a summary is keyed by customer). */
function keyOf(kind: KindName, object: StripeObject): string {
  return refId(object[kindSpec(kind)?.key ?? 'id']) ?? '';
}

export interface SyncDeps extends ActivityDeps {
  stripeApi: StripeApi;
}

export function createSyncActivities(deps: SyncDeps) {
  const handlers = handlersFor(deps);
  return {
    async syncStripePage(input: SyncPageInput): Promise<SyncPageResult> {
      const mirror = MIRROR_KINDS[input.kind];
      const what = `list ${input.kind}`;
      const params = {
        limit: input.pageSize,
        ...(input.cursor && { starting_after: input.cursor }),
        ...(input.since !== undefined && { created: { gte: input.since } }),
      };
      const options = input.account ? { stripeAccount: input.account } : {};
      heartbeat({ kind: input.kind, cursor: input.cursor });
      let page: ListPage;
      try {
        page = await mirror.listPage(deps.stripeApi, params, options);
      } catch (err) {
        throw withoutStripeMessage(err, what);
      }
      const result: SyncPageResult = {
        listed: page.data.length,
        applied: 0,
        stale: 0,
        rejects: [],
        nextCursor: page.nextCursor ?? input.cursor,
        hasMore: page.hasMore && page.nextCursor !== undefined,
      };
      if (input.dryRun) return result;

      const asOf = (page.stripeTime ?? Math.floor(Date.now() / 1000)) - 1;
      const handler = handlers[input.kind];
      const rejects: SyncReject[] = [];
      await mapWithConcurrency(page.data as StripeObject[], APPLY_CONCURRENCY, async (object) => {
        const key = keyOf(input.kind, object);
        try {
          const applied = await handler(listedEvent(input, object, asOf, key));
          if (applied.outcome === 'applied') result.applied++;
          else result.stale++;
        } catch (err) {
          // A shape the handler refuses is this object's problem, not the sync's: count it, go on.
          if (err instanceof ApplicationFailure && err.type === INVALID_STRIPE_PAYLOAD) {
            rejects.push({ kind: input.kind, id: key, reason: err.message });
          } else {
            throw err;
          }
        }
        heartbeat({ kind: input.kind, cursor: input.cursor });
      });
      result.rejects = rejects;
      return result;
    },
  };
}

export type SyncActivities = ReturnType<typeof createSyncActivities>;

/**
 * Thin events (Stripe's event destinations) as workflow input. A thin event carries no object: its
 * type is prefixed (`v1.customer.updated`), it names a `related_object` and, for v1 resources, the
 * `snapshot_event` it corresponds to. It becomes a StripeEvent with the snapshot type, a stub object
 * (`{ id, object }`) and `thin` set, so routing, search attributes, the ledger and the handlers
 * treat both formats alike, and the handler retrieves the object.
 *
 * Its id is the snapshot event's when it names one: an endpoint that receives both formats during
 * a migration starts one workflow per change, whichever arrives first.
 *
 * Pure module.
 */
import { KIND_OF_EVENT_TYPE } from './kinds';
import type { StripeEvent } from './stripe-event';

export const THIN_EVENT_OBJECT = 'v2.core.event';

const EVENT_ID = /^evt_[A-Za-z0-9_]+$/;
const ACCOUNT_ID = /^acct_[A-Za-z0-9]+$/;

/** The body of a thin event as this project reads it (stripe-node's EventNotification, serialized). */
export interface ThinEventBody {
  id: string;
  object: typeof THIN_EVENT_OBJECT;
  type: string;
  created: string;
  livemode: boolean;
  context?: string | null;
  related_object?: { id?: string; type: string; url: string } | null;
  snapshot_event?: string | null;
}

/** Returns why `value` is not a thin event, or undefined when it is one. */
export function whyNotAThinEvent(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'body is not a JSON object';
  const event = value as Record<string, unknown>;
  if (event.object !== THIN_EVENT_OBJECT) return `field "object" must be "${THIN_EVENT_OBJECT}"`;
  if (typeof event.id !== 'string' || !EVENT_ID.test(event.id))
    return 'field "id" must be an event id (evt_...)';
  if (typeof event.type !== 'string' || event.type.length === 0)
    return 'field "type" must be a non-empty string';
  if (typeof event.created !== 'string' || Number.isNaN(Date.parse(event.created))) {
    return 'field "created" must be an ISO 8601 timestamp';
  }
  if (typeof event.livemode !== 'boolean') return 'field "livemode" must be a boolean';
  if (event.context != null && typeof event.context !== 'string') return 'field "context" must be a string';
  const snapshot = event.snapshot_event;
  if (snapshot != null && (typeof snapshot !== 'string' || !EVENT_ID.test(snapshot))) {
    return 'field "snapshot_event" must be an event id (evt_...)';
  }
  const related = event.related_object as Record<string, unknown> | null | undefined;
  if (related != null) {
    if (typeof related !== 'object' || typeof related.type !== 'string' || typeof related.url !== 'string') {
      return 'field "related_object" must have a type and a url';
    }
    if (related.id !== undefined && (typeof related.id !== 'string' || related.id.length === 0)) {
      return 'field "related_object.id" must be a non-empty string';
    }
  }
  return undefined;
}

/** `v1.customer.updated` → `customer.updated`; v2 types keep their prefix (no kind handles them yet). */
export function snapshotType(thinType: string): string {
  return thinType.startsWith('v1.') ? thinType.slice(3) : thinType;
}

/** The workflow input for a thin event: see the module comment. */
export function fromThinEvent(body: ThinEventBody): StripeEvent {
  const type = snapshotType(body.type);
  const related = body.related_object ?? null;
  const relatedId = related?.id ?? null;
  // The kind the routed type carries; for anything unrouted, what Stripe calls the object.
  const kind = KIND_OF_EVENT_TYPE.get(type) ?? related?.type ?? 'unknown';
  const account = body.context?.split('/').at(-1);
  return {
    id: body.snapshot_event ?? body.id,
    object: 'event',
    type,
    created: Math.floor(Date.parse(body.created) / 1000),
    livemode: body.livemode,
    api_version: null,
    account: account && ACCOUNT_ID.test(account) ? account : null,
    data: { object: relatedId ? { id: relatedId, object: kind } : { object: kind } },
    thin: {
      id: body.id,
      type: body.type,
      snapshotEvent: body.snapshot_event ?? null,
      relatedObject: related && { id: relatedId, type: related.type, url: related.url },
    },
  };
}

import { kindSpec } from './kinds';

/**
 * The shape of a Stripe event as this project reads it. Deliberately looser than `Stripe.Event`:
 * events arrive in every API version an account has ever been pinned to, and handlers must read
 * the 2020-era shapes as well as the current ones.
 *
 * Pure module: imported by the ingress, the workflow sandbox and the activities alike.
 */
export interface StripeObject {
  id?: string;
  object: string;
  [field: string]: unknown;
}

/**
 * Where an event came from when Stripe delivered it as a thin event (an event destination): such
 * an event carries no object, so its handler retrieves it (activities/thin-events.ts).
 */
export interface ThinEventOrigin {
  /** The thin event's own id. The event's `id` is its snapshot event's when it names one. */
  id: string;
  /** The type as Stripe sent it, prefixed: `v1.customer.updated`. */
  type: string;
  /** The snapshot (v1) event this thin event corresponds to. */
  snapshotEvent: string | null;
  /** The object the event is about; null for events about no single object. */
  relatedObject: { id: string | null; type: string; url: string } | null;
}

export interface StripeEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  livemode: boolean;
  api_version?: string | null;
  account?: string | null;
  data: { object: StripeObject; previous_attributes?: Record<string, unknown> };
  /** Set on events normalized from a thin event (common/thin-event.ts); its `data.object` is a stub. */
  thin?: ThinEventOrigin;
  [field: string]: unknown;
}

const EVENT_ID = /^evt_[A-Za-z0-9_]+$/;

/** Returns why `value` is not a Stripe event, or undefined when it is one. */
export function whyNotAStripeEvent(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'body is not a JSON object';
  const event = value as Record<string, unknown>;
  if (event.object !== 'event') return 'field "object" must be "event"';
  if (typeof event.id !== 'string' || !EVENT_ID.test(event.id))
    return 'field "id" must be an event id (evt_...)';
  if (typeof event.type !== 'string' || event.type.length === 0)
    return 'field "type" must be a non-empty string';
  if (typeof event.created !== 'number' || !Number.isInteger(event.created)) {
    return 'field "created" must be an integer unix timestamp';
  }
  if (typeof event.livemode !== 'boolean') return 'field "livemode" must be a boolean';
  const data = event.data as Record<string, unknown> | undefined;
  if (typeof data !== 'object' || data === null) return 'field "data" must be an object';
  const object = data.object as Record<string, unknown> | undefined;
  if (typeof object !== 'object' || object === null || typeof object.object !== 'string') {
    return 'field "data.object" must be a Stripe object';
  }
  return undefined;
}

export function isStripeEvent(value: unknown): value is StripeEvent {
  return whyNotAStripeEvent(value) === undefined;
}

/** A Stripe reference is either an id string or an expanded object carrying that id. */
export function refId(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'object' && value !== null) {
    const id = (value as { id?: unknown }).id;
    if (typeof id === 'string' && id.length > 0) return id;
  }
  return undefined;
}

/** The ids an operator searches by. Never personal data. */
export interface EventIds {
  objectId: string | undefined;
  customerId: string | undefined;
  account: string;
}

export function eventIds(event: StripeEvent): EventIds {
  const object = event.data.object;
  const customerId = object.object === 'customer' ? object.id : refId(object.customer);
  // A kind keyed by another field (a customer's entitlement summary) is found by that key.
  const key = kindSpec(object.object)?.key ?? 'id';
  return {
    objectId: refId(object[key]),
    customerId,
    account: typeof event.account === 'string' ? event.account : '',
  };
}

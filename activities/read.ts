import { refId } from '../common/stripe-event';
import type { StripeEvent, StripeObject } from '../common/stripe-event';
import { invalidPayload } from './errors';

/** Small readers over untyped payloads: events arrive in many API versions, so nothing is assumed. */
export function str(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // Postgres text cannot hold NUL; no meaningful Stripe string contains one.
  const text = value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
  return text.length > 0 ? text : null;
}

/** Null beyond 2^53: such a number has already lost precision, and no Stripe amount is that large. */
export function int(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(Math.trunc(value)) ? Math.trunc(value) : null;
}

export function bool(value: unknown): boolean {
  return value === true;
}

/** Stripe timestamps are unix seconds. */
export function time(value: unknown): Date | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const date = new Date(value * 1000);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function ref(value: unknown): string | null {
  return refId(value) ?? null;
}

/** A list object (`{ object: 'list', data: [...] }`) or a bare array, as an array of objects. */
export function listData(value: unknown): Record<string, unknown>[] {
  const data = Array.isArray(value) ? value : (value as { data?: unknown } | null | undefined)?.data;
  return Array.isArray(data)
    ? data.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    : [];
}

/**
 * The event's object, checked to be of the expected kind and to carry an id: its own, or `id` for
 * an object keyed otherwise (a discount without an id is keyed by what it applies to).
 */
export function eventObject(
  event: StripeEvent,
  kind: string,
  id = event.data.object.id,
): StripeObject & { id: string } {
  const object = event.data.object;
  if (object.object !== kind) {
    throw invalidPayload(`${event.type} event ${event.id} carries a ${object.object}, expected a ${kind}`);
  }
  if (typeof id !== 'string' || id.length === 0) {
    throw invalidPayload(`${event.type} event ${event.id} carries a ${kind} without an id`);
  }
  return { ...object, id };
}

/** A required text field such as `status` or `currency`: without it the row cannot be written. */
export function requireText(event: StripeEvent, value: unknown, what: string): string {
  const text = str(value);
  if (!text) throw invalidPayload(`${event.type} event ${event.id}: ${what} is missing`);
  return text;
}

/** A required reference, e.g. the customer of an invoice. */
export function requireRef(event: StripeEvent, value: unknown, what: string): string {
  const id = refId(value);
  if (!id) throw invalidPayload(`${event.type} event ${event.id}: ${what} is missing`);
  return id;
}

/** A boolean field as stored: its value, or null when the payload leaves it out. */
export function maybeBool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

/** A nested object field (`recurring`, `card`, `status_transitions`), or an empty record. */
export function sub(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The discount ids a subscription or invoice carries: `discounts` (ids or objects), else the legacy `discount`. */
export function discountIds(object: StripeObject): string[] {
  const listed = Array.isArray(object.discounts)
    ? object.discounts.map((discount) => ref(discount)).filter((id): id is string => id !== null)
    : [];
  const legacy = ref(object.discount);
  return legacy && !listed.includes(legacy) ? [...listed, legacy] : listed;
}

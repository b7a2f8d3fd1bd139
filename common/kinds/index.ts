/**
 * The table of object kinds: one entry per kind of Stripe object the mirror holds, keyed by
 * Stripe's `object` value. Everything that depends on a kind's events, states or table reads it
 * from here; the database and API side of each entry is in activities/kinds/.
 *
 * Pure module: the workflow sandbox imports it for routing.
 */
import { BILLING_KINDS } from './billing';
import { CATALOG_KINDS } from './catalog';
import { PAYMENT_KINDS } from './payments';
import type { KindSpec } from './spec';

export type { KindSpec } from './spec';

export const KINDS = { ...BILLING_KINDS, ...PAYMENT_KINDS, ...CATALOG_KINDS } as const;

export type KindName = keyof typeof KINDS;
export type HandlerName = NonNullable<(typeof KINDS)[KindName]['handler']>;

export const KIND_NAMES = Object.keys(KINDS) as KindName[];

export function isKindName(name: string): name is KindName {
  return Object.hasOwn(KINDS, name);
}

/** The entry of a kind by its `object` value, or undefined for objects the mirror does not hold. */
export function kindSpec(name: string): KindSpec | undefined {
  return isKindName(name) ? KINDS[name] : undefined;
}

/** Which kind an event type carries. */
export const KIND_OF_EVENT_TYPE: ReadonlyMap<string, KindName> = new Map(
  KIND_NAMES.flatMap((name) => KINDS[name].events.map((type): [string, KindName] => [type, name])),
);

/**
 * Stripe events built from the vendored real payloads in test/fixtures, shared by `npm run send`
 * and the tests.
 *
 * - `fixtureEvent('customer.subscription.updated')` or `fixtureEvent('subscription_updated.json')`
 *   loads test/fixtures/stripe-events/<file>.json. Event types are mapped to files by the `type`
 *   each file carries.
 * - Handled types without a vendored file are derived from a sibling fixture (DERIVED in
 *   fixture-derivations.ts): `customer.created` from customer_updated.json, `invoice.payment_failed`
 *   from invoice_paid.json turned `open`, and so on. Any other routed type is built from its kind's
 *   vendored file (common/kinds says which kind), or from the kind's current-API example when no
 *   file carries it (coupons, promotion codes, discounts).
 * - The vendored files are shape fixtures, not one stream: several carry a status that contradicts
 *   their type (payment_intent_succeeded.json is `requires_payment_method`). Events built here get
 *   the status their type implies (STATUS_FOR_TYPE, FIELDS_FOR_TYPE); pass `overrides.object` to choose another.
 * - Every event gets a fresh unique id (`evt_<hex>`) unless `overrides.id` is given: the vendored
 *   event ids repeat across files, and the workflow id is the event id.
 *
 * Fixtures are read from disk on each call and never shared, so callers may mutate what they get.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { KIND_OF_EVENT_TYPE } from '../common/kinds';
import { ROUTES } from '../common/routing';
import type { StripeEvent, StripeObject } from '../common/stripe-event';
import { DERIVED, FIELDS_FOR_TYPE, STATUS_FOR_TYPE } from './fixture-derivations';
import type { Derivation, Patch } from './fixture-derivations';

export const FIXTURES_DIR = path.join(__dirname, '..', 'test', 'fixtures');
export const EVENT_FIXTURES_DIR = path.join(FIXTURES_DIR, 'stripe-events');
export const OPENAPI_FIXTURES_FILE = path.join(FIXTURES_DIR, 'stripe-openapi-fixtures3.json');

/** The API version current-shape events claim (the shape of stripe-mock's fixtures3.json). */
export const CURRENT_API_VERSION = '2025-03-31.basil';

export interface FixtureOverrides {
  /** The event id. Default: a fresh `evt_<hex>`. */
  id?: string;
  /** The event's `created` (unix seconds). Default: the fixture's own. */
  created?: number;
  /** Fields merged (shallowly) over `data.object`, after every other change. */
  object?: Record<string, unknown>;
}

/** Every event type the workflow routes (common/kinds), each buildable by fixtureEvent. */
export const HANDLED_TYPES: readonly string[] = Object.keys(ROUTES);

/** A fresh event id in Stripe's alphabet, unique per call. */
export function newEventId(): string {
  return `evt_${randomBytes(12).toString('hex')}`;
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

let typeToFile: Map<string, string> | undefined;
let kindToFile: Map<string, string> | undefined;

/** event type → vendored file name, read from the `type` each file carries. */
function fixtureFilesByType(): Map<string, string> {
  if (!typeToFile) {
    typeToFile = new Map();
    for (const file of readdirSync(EVENT_FIXTURES_DIR).sort()) {
      if (!file.endsWith('.json')) continue;
      const { type } = readJson(path.join(EVENT_FIXTURES_DIR, file)) as { type?: unknown };
      if (typeof type === 'string' && !typeToFile.has(type)) typeToFile.set(type, file);
    }
  }
  return typeToFile;
}

/** object kind → the vendored file of its `*.updated` event (else `*.created`, else any): the most ordinary state. */
function fixtureFilesByKind(): Map<string, string> {
  if (!kindToFile) {
    const preference = (type: string) => (type.endsWith('.updated') ? 0 : type.endsWith('.created') ? 1 : 2);
    const byType = [...fixtureFilesByType()].sort(([a], [b]) => preference(a) - preference(b));
    kindToFile = new Map();
    for (const [type, file] of byType) {
      const kind = KIND_OF_EVENT_TYPE.get(type);
      if (kind && !kindToFile.has(kind)) kindToFile.set(kind, file);
    }
  }
  return kindToFile;
}

/** Every event type fixtureEvent can build: the vendored, the derived and every routed one. */
export function fixtureEventTypes(): string[] {
  return [...new Set([...fixtureFilesByType().keys(), ...Object.keys(DERIVED), ...HANDLED_TYPES])].sort();
}

interface Source {
  /** A vendored file, or (for kinds without one) a resource of the current-API fixtures. */
  file?: string;
  resource?: string;
  derivation?: Derivation;
  /** The type to give the event, when it is not the file's own. */
  type?: string;
}

/**
 * The source of an event: a file name (with or without .json), a path to a .json file, or a type:
 * its vendored file, its derivation, else its kind's vendored file or current-API example.
 */
function resolveSource(typeOrFile: string): Source {
  if (typeOrFile.endsWith('.json') && (path.isAbsolute(typeOrFile) || typeOrFile.includes('/'))) {
    if (existsSync(typeOrFile)) return { file: path.resolve(typeOrFile) };
    throw new Error(`fixture file not found: ${typeOrFile}`);
  }
  if (typeOrFile.endsWith('.json') || !typeOrFile.includes('.')) {
    const name = typeOrFile.endsWith('.json') ? typeOrFile : `${typeOrFile}.json`;
    const file = path.join(EVENT_FIXTURES_DIR, name);
    if (existsSync(file)) return { file };
    throw new Error(`no fixture file ${name} in ${EVENT_FIXTURES_DIR}`);
  }
  const vendored = fixtureFilesByType().get(typeOrFile);
  if (vendored) return { file: path.join(EVENT_FIXTURES_DIR, vendored) };
  const derivation = DERIVED[typeOrFile];
  if (derivation)
    return { file: path.join(EVENT_FIXTURES_DIR, derivation.from), derivation, type: typeOrFile };
  const kind = KIND_OF_EVENT_TYPE.get(typeOrFile);
  const sibling = kind && fixtureFilesByKind().get(kind);
  if (sibling) return { file: path.join(EVENT_FIXTURES_DIR, sibling), type: typeOrFile };
  if (kind) return { resource: kind, type: typeOrFile };
  throw new Error(
    `no fixture for event type "${typeOrFile}". Known types: ${fixtureEventTypes().join(', ')}. ` +
      'Or give a fixture file name (e.g. subscription_updated.json) or a path to a .json event.',
  );
}

function finish(event: StripeEvent, overrides: FixtureOverrides, patch?: Patch): StripeEvent {
  event.id = overrides.id ?? newEventId();
  if (overrides.created !== undefined) event.created = overrides.created;
  const object = event.data.object;
  patch?.(object, event);
  const status = STATUS_FOR_TYPE[event.type];
  if (status !== undefined) {
    object.status = status;
    if (event.type === 'payment_intent.succeeded') object.amount_received = object.amount;
  }
  Object.assign(object, FIELDS_FOR_TYPE[event.type]);
  if (overrides.object) Object.assign(object, overrides.object);
  return event;
}

/**
 * A Stripe event built from the vendored fixtures, with a fresh unique id.
 *
 * @param typeOrFile an event type (`customer.subscription.updated`), a fixture file name
 *   (`subscription_updated.json` or `subscription_updated`), or a path to a .json event.
 */
export function fixtureEvent(typeOrFile: string, overrides: FixtureOverrides = {}): StripeEvent {
  const source = resolveSource(typeOrFile);
  if (!source.file)
    return currentApiEvent(source.resource ?? typeOrFile, source.type ?? typeOrFile, overrides);
  const event = readJson(source.file) as StripeEvent;
  if (source.type) event.type = source.type;
  return finish(event, overrides, source.derivation?.patch);
}

/**
 * An event in the current API shape: stripe-mock's example of `resource` (a key of
 * fixtures3.json `resources`, e.g. `subscription`, `invoice`, `checkout.session`) wrapped as a
 * `type` event with api_version 2025-03-31.basil. `created` defaults to now, since the examples
 * all carry 2009's 1234567890.
 */
export function currentApiEvent(
  resource: string,
  type: string,
  overrides: FixtureOverrides = {},
): StripeEvent {
  const { resources } = readJson(OPENAPI_FIXTURES_FILE) as {
    resources: Record<string, StripeObject | undefined>;
  };
  const object = resources[resource];
  if (!object) throw new Error(`no resource "${resource}" in ${OPENAPI_FIXTURES_FILE}`);
  const event: StripeEvent = {
    id: '',
    object: 'event',
    api_version: CURRENT_API_VERSION,
    created: Math.floor(Date.now() / 1000),
    data: { object },
    livemode: typeof object.livemode === 'boolean' ? object.livemode : false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
  return finish(event, overrides);
}

/**
 * Stripe events built from the vendored real payloads in test/fixtures, shared by `npm run send`
 * and the tests.
 *
 * - `fixtureEvent('customer.subscription.updated')` or `fixtureEvent('subscription_updated.json')`
 *   loads test/fixtures/stripe-events/<file>.json. Event types are mapped to files by the `type`
 *   each file carries.
 * - Handled types without a vendored file are derived from a sibling fixture (see DERIVED below):
 *   `customer.created` from customer_updated.json, `invoice.payment_failed` from invoice_paid.json
 *   turned `open`, and so on.
 * - The vendored files are shape fixtures, not one stream: several carry a status that contradicts
 *   their type (payment_intent_succeeded.json is `requires_payment_method`). Events built here get
 *   the status their type implies (STATUS_FOR_TYPE); pass `overrides.object` to choose another.
 * - Every event gets a fresh unique id (`evt_<hex>`) unless `overrides.id` is given: the vendored
 *   event ids repeat across files, and the workflow id is the event id.
 *
 * Fixtures are read from disk on each call and never shared, so callers may mutate what they get.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { StripeEvent, StripeObject } from '../common/stripe-event';

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

/** Every event type the workflow handles, each buildable by fixtureEvent. */
export const HANDLED_TYPES_WITH_FIXTURES = [
  'checkout.session.completed',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'customer.subscription.trial_will_end',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'invoice.payment_action_required',
  'invoice.finalized',
  'invoice.voided',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.succeeded',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
  'refund.created',
  'refund.updated',
] as const;

/** A fresh event id in Stripe's alphabet, unique per call. */
export function newEventId(): string {
  return `evt_${randomBytes(12).toString('hex')}`;
}

const DAY = 24 * 60 * 60;

type Patch = (object: StripeObject, event: StripeEvent) => void;

interface Derivation {
  /** The vendored file the event is built from. */
  from: string;
  patch: Patch;
}

/** Event types with no vendored file, built from a sibling fixture. */
const DERIVED: Record<string, Derivation> = {
  'customer.created': {
    from: 'customer_updated.json',
    patch: (_object, event) => {
      delete event.data.previous_attributes;
    },
  },
  'customer.subscription.paused': {
    from: 'subscription_updated.json',
    patch: (object, event) => {
      object.status = 'paused';
      event.data.previous_attributes = { status: 'active' };
    },
  },
  'customer.subscription.resumed': {
    from: 'subscription_updated.json',
    patch: (object, event) => {
      object.status = 'active';
      object.pause_collection = null;
      event.data.previous_attributes = { status: 'paused' };
    },
  },
  'customer.subscription.trial_will_end': {
    from: 'subscription_updated.json',
    patch: (object, event) => {
      // Stripe sends this three days before the trial ends.
      object.status = 'trialing';
      object.trial_start = event.created - 11 * DAY;
      object.trial_end = event.created + 3 * DAY;
      delete event.data.previous_attributes;
    },
  },
  'invoice.created': {
    from: 'invoice_updated.json',
    patch: (object) => {
      object.status = 'draft';
    },
  },
  'invoice.payment_succeeded': {
    from: 'invoice_paid.json',
    patch: (object) => {
      object.status = 'paid';
      object.paid = true;
    },
  },
  'invoice.payment_failed': {
    from: 'invoice_paid.json',
    patch: (object, event) => {
      unpaid(object);
      object.attempt_count = 1;
      object.next_payment_attempt = event.created + 3 * DAY;
    },
  },
  'invoice.payment_action_required': {
    from: 'invoice_paid.json',
    patch: (object) => {
      unpaid(object);
      object.attempt_count = 1;
    },
  },
  'invoice.marked_uncollectible': {
    from: 'invoice_paid.json',
    patch: (object) => {
      unpaid(object);
      object.status = 'uncollectible';
    },
  },
  'checkout.session.async_payment_succeeded': {
    from: 'checkout_session_completed.json',
    patch: (object) => {
      object.status = 'complete';
      object.payment_status = 'paid';
    },
  },
  'checkout.session.async_payment_failed': {
    from: 'checkout_session_completed.json',
    patch: (object) => {
      object.status = 'complete';
      object.payment_status = 'unpaid';
    },
  },
  'checkout.session.expired': {
    from: 'checkout_session_completed.json',
    patch: (object) => {
      object.status = 'expired';
      object.payment_status = 'unpaid';
    },
  },
  'charge.refund.updated': {
    from: 'refund_updated.json',
    patch: () => {},
  },
};

function unpaid(invoice: StripeObject): void {
  invoice.status = 'open';
  invoice.paid = false;
  invoice.attempted = true;
  invoice.amount_paid = 0;
  invoice.amount_remaining = invoice.amount_due;
}

/** The status an event type implies for its object, where the vendored file disagrees. */
const STATUS_FOR_TYPE: Record<string, string> = {
  'payment_intent.succeeded': 'succeeded',
  'payment_intent.canceled': 'canceled',
  'payment_intent.processing': 'processing',
  'payment_intent.requires_action': 'requires_action',
  'payment_intent.payment_failed': 'requires_payment_method',
  'charge.pending': 'pending',
  'charge.captured': 'succeeded',
  'charge.dispute.closed': 'lost',
  'refund.failed': 'failed',
};

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

let typeToFile: Map<string, string> | undefined;

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

/** Every event type fixtureEvent can build: the vendored ones and the derived ones. */
export function fixtureEventTypes(): string[] {
  return [...new Set([...fixtureFilesByType().keys(), ...Object.keys(DERIVED)])].sort();
}

/** The vendored file for a file name (with or without .json), a path to a .json file, or a type. */
function resolveSource(typeOrFile: string): { file: string; derivation?: Derivation; type?: string } {
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

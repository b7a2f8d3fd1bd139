/**
 * The subscription table: which subscriber receives which events, on which task queue, through
 * which activity, with which retries. Read once at start from the JSON file SUBSCRIPTIONS_FILE and
 * checked whole, each error naming the entry and the field, so a typo stops the worker at start
 * instead of silently delivering nothing.
 */
import { readFileSync } from 'node:fs';
import { msToNumber } from '@temporalio/common/lib/time';
import { ConfigError } from './config-error';
import { ROUTES } from './routing';
import { matchesEventType } from './subscriber-contract';
import type { Subscriber, SubscriberRetryPolicy } from './subscriber-contract';

type Env = Record<string, string | undefined>;

export const SUBSCRIPTIONS_VARIABLE = 'SUBSCRIPTIONS_FILE';
/** Goes into workflow ids (`subscriber:<name>:...`), so no `:` and nothing to escape. */
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const EVENT_TYPE = /^[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?$/;

const DEFAULT_RETRY: SubscriberRetryPolicy = {
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 5 * 60_000,
  maximumAttempts: 0,
  nonRetryableErrorTypes: [],
};

function entryReader(entry: Record<string, unknown>, where: string) {
  const fail = (message: string): never => {
    throw new ConfigError(`${SUBSCRIPTIONS_VARIABLE}: ${where}: ${message}`);
  };
  const string = (field: string, value: unknown = entry[field]): string => {
    if (typeof value !== 'string' || value.trim() === '')
      return fail(`"${field}" must be a non-empty string`);
    return value.trim();
  };
  /** Milliseconds, from Temporal's duration strings ('30 seconds', '5m') or a number of ms. */
  const duration = (field: string, value: unknown, fallback?: number): number => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === 'number') {
      if (!(value > 0)) return fail(`"${field}" must be a positive duration, got ${value}`);
      return value;
    }
    const text = string(field, value);
    let ms: number;
    try {
      ms = msToNumber(text as Parameters<typeof msToNumber>[0]);
    } catch {
      return fail(`"${field}" must be a duration such as "30 seconds" or "5m", got "${text}"`);
    }
    if (!(ms > 0)) return fail(`"${field}" must be a positive duration, got "${text}"`);
    return ms;
  };
  const number = (field: string, value: unknown, fallback: number, check: (n: number) => boolean): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !check(value))
      return fail(`"${field}" is out of range: ${JSON.stringify(value)}`);
    return value;
  };
  return { fail, string, duration, number };
}

function readRetry(raw: unknown, read: ReturnType<typeof entryReader>): SubscriberRetryPolicy {
  if (raw === undefined) return DEFAULT_RETRY;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return read.fail('"retry" must be an object');
  const retry = raw as Record<string, unknown>;
  const known = [
    'initialInterval',
    'backoffCoefficient',
    'maximumInterval',
    'maximumAttempts',
    'nonRetryableErrorTypes',
  ];
  const unknown = Object.keys(retry).filter((key) => !known.includes(key));
  if (unknown.length > 0)
    read.fail(`"retry" has unknown field(s) ${unknown.join(', ')}: use ${known.join(', ')}`);
  const types = retry.nonRetryableErrorTypes ?? [];
  if (!Array.isArray(types) || types.some((type) => typeof type !== 'string'))
    read.fail('"retry.nonRetryableErrorTypes" must be an array of strings');
  return {
    initialIntervalMs: read.duration(
      'retry.initialInterval',
      retry.initialInterval,
      DEFAULT_RETRY.initialIntervalMs,
    ),
    backoffCoefficient: read.number('retry.backoffCoefficient', retry.backoffCoefficient, 2, (n) => n >= 1),
    maximumIntervalMs: read.duration(
      'retry.maximumInterval',
      retry.maximumInterval,
      DEFAULT_RETRY.maximumIntervalMs,
    ),
    maximumAttempts: read.number(
      'retry.maximumAttempts',
      retry.maximumAttempts,
      0,
      (n) => Number.isInteger(n) && n >= 0,
    ),
    nonRetryableErrorTypes: types as string[],
  };
}

const ENTRY_FIELDS = [
  'name',
  'source',
  'eventTypes',
  'taskQueue',
  'activity',
  'startToCloseTimeout',
  'scheduleToCloseTimeout',
  'retry',
];

/** Subscribers receive an event after the mirror applied it, so a Stripe type must have a handler. */
function checkStripeType(pattern: string, read: ReturnType<typeof entryReader>): void {
  const routed = Object.keys(ROUTES);
  if (pattern.endsWith('.*')) {
    if (!routed.some((type) => matchesEventType([pattern], type)))
      read.fail(`"eventTypes": "${pattern}" covers no event type the mirror handles`);
  } else if (!routed.includes(pattern)) {
    read.fail(
      `"eventTypes": "${pattern}" has no handler; subscribers receive events after the mirror applied them (see the README's event table)`,
    );
  }
}

export function parseSubscriber(raw: unknown, index: number): Subscriber {
  const label =
    typeof raw === 'object' && raw !== null && typeof (raw as { name?: unknown }).name === 'string'
      ? `subscribers[${index}] ("${(raw as { name: string }).name}")`
      : `subscribers[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError(`${SUBSCRIPTIONS_VARIABLE}: ${label} must be an object`);
  const entry = raw as Record<string, unknown>;
  const read = entryReader(entry, label);
  const unknown = Object.keys(entry).filter((key) => !ENTRY_FIELDS.includes(key));
  if (unknown.length > 0) read.fail(`unknown field(s) ${unknown.join(', ')}: use ${ENTRY_FIELDS.join(', ')}`);
  const name = read.string('name');
  if (!NAME.test(name)) read.fail(`"name" must be lower-case letters, digits and dashes, got "${name}"`);
  const source = entry.source === undefined ? 'stripe' : read.string('source');
  if (!NAME.test(source)) read.fail(`"source" must be "stripe" or a provider's name, got "${source}"`);
  const eventTypes = entry.eventTypes;
  if (!Array.isArray(eventTypes) || eventTypes.length === 0)
    return read.fail('"eventTypes" must be a non-empty array such as ["invoice.paid", "customer.*"]');
  for (const pattern of eventTypes) {
    if (typeof pattern !== 'string' || !EVENT_TYPE.test(pattern))
      read.fail(`"eventTypes": "${String(pattern)}" is not an event type or a "prefix.*"`);
    if (source === 'stripe') checkStripeType(pattern as string, read);
  }
  return {
    name,
    source,
    eventTypes: eventTypes as string[],
    taskQueue: read.string('taskQueue'),
    activity: read.string('activity'),
    startToCloseTimeoutMs: read.duration('startToCloseTimeout', entry.startToCloseTimeout, 30_000),
    scheduleToCloseTimeoutMs:
      entry.scheduleToCloseTimeout === undefined
        ? undefined
        : read.duration('scheduleToCloseTimeout', entry.scheduleToCloseTimeout),
    retry: readRetry(entry.retry, read),
  };
}

/** The table as a value: `{ "subscribers": [ ... ] }`. */
export function parseSubscriptions(document: unknown): Subscriber[] {
  const list = (document as { subscribers?: unknown } | null)?.subscribers;
  if (!Array.isArray(list))
    throw new ConfigError(`${SUBSCRIPTIONS_VARIABLE}: the file must hold {"subscribers": [ ... ]}`);
  const subscribers = list.map(parseSubscriber);
  const seen = new Set<string>();
  for (const { name } of subscribers) {
    if (seen.has(name))
      throw new ConfigError(`${SUBSCRIPTIONS_VARIABLE}: subscriber "${name}" is declared twice`);
    seen.add(name);
  }
  return subscribers;
}

/** No SUBSCRIPTIONS_FILE: no subscribers, and events only update the mirror. */
export function loadSubscriptions(env: Env = process.env): Subscriber[] {
  const file = env[SUBSCRIPTIONS_VARIABLE]?.trim();
  if (!file) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${SUBSCRIPTIONS_VARIABLE}: cannot read ${file}: ${(err as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${SUBSCRIPTIONS_VARIABLE}: ${file} is not JSON: ${(err as Error).message}`);
  }
  return parseSubscriptions(document);
}

/** The subscribers of `source` that want `eventType`, in table order. */
export function subscribersFor(
  subscribers: readonly Subscriber[],
  source: string,
  eventType: string,
): Subscriber[] {
  return subscribers.filter(
    (subscriber) => subscriber.source === source && matchesEventType(subscriber.eventTypes, eventType),
  );
}

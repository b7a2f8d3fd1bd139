/**
 * A sender that behaves like Stripe's webhook delivery: each event is signed for real at every
 * attempt (a fresh timestamp, like Stripe), POSTed, and retried with backoff on any non-2xx answer,
 * connection error or timeout until it is acknowledged with a 2xx. Several deliveries are in
 * flight at once. It records every attempt, so tests can check what was acknowledged when.
 *
 * Stripe's real schedule retries over three days; this one compresses it to milliseconds and
 * seconds, which changes when a retry happens but not what the receiver must guarantee.
 */
import Stripe from 'stripe';
import type { StripeEvent } from '../../common/stripe-event';

const stripe = new Stripe('sk_test_unused');

export interface Attempt {
  eventId: string;
  url: string;
  /** ms since the epoch. */
  sentAt: number;
  answeredAt: number;
  /** HTTP status, or undefined when the connection failed or timed out. */
  status: number | undefined;
  /** The error code of a non-2xx JSON answer, or the connection error. */
  error?: string;
}

export interface DeliveryReport {
  events: number;
  /** event id → when its first 2xx arrived. */
  acknowledged: Map<string, number>;
  attempts: Attempt[];
  /** Events still not acknowledged when the deadline passed. */
  unacknowledged: string[];
  elapsedMs: number;
}

export interface LoadOptions {
  /** Targets; attempt n of an event goes to urls[(event index + n) % urls.length]. */
  urls: string[];
  secret: string;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** Stop retrying after this long; the events left are reported unacknowledged. */
  deadlineMs: number;
  /** Pause between starting deliveries (ms), for a steady offered rate instead of a burst. */
  spacingMs?: number;
  /** First retry delay; doubles up to maxBackoffMs, with jitter. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Per-attempt timeout, like Stripe's own. */
  attemptTimeoutMs?: number;
  /** Called after each attempt: a test can trigger a fault when the run is half way. */
  onAttempt?: (attempt: Attempt) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function attemptOnce(
  url: string,
  payload: string,
  options: LoadOptions,
  eventId: string,
): Promise<Attempt> {
  const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret });
  const sentAt = Date.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
      body: payload,
      signal: AbortSignal.timeout(options.attemptTimeoutMs ?? 10_000),
    });
    const text = await response.text();
    const attempt: Attempt = { eventId, url, sentAt, answeredAt: Date.now(), status: response.status };
    if (!response.ok) attempt.error = errorCode(text);
    return attempt;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    const error = cause?.code ?? (err as Error).name;
    return { eventId, url, sentAt, answeredAt: Date.now(), status: undefined, error };
  }
}

function errorCode(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return typeof body.error === 'string' ? body.error : 'no_error_code';
  } catch {
    return 'not_json';
  }
}

/** Delivers every event until each is acknowledged or the deadline passes. */
export async function deliverLikeStripe(
  events: StripeEvent[],
  options: LoadOptions,
): Promise<DeliveryReport> {
  const started = Date.now();
  const deadline = started + options.deadlineMs;
  const acknowledged = new Map<string, number>();
  const attempts: Attempt[] = [];
  const unacknowledged: string[] = [];
  const initialBackoff = options.initialBackoffMs ?? 100;
  const maxBackoff = options.maxBackoffMs ?? 2000;
  let next = 0;

  async function deliver(index: number): Promise<void> {
    const event = events[index]!;
    const payload = JSON.stringify(event);
    for (let n = 0; Date.now() < deadline; n += 1) {
      const url = options.urls[(index + n) % options.urls.length]!;
      const attempt = await attemptOnce(url, payload, options, event.id);
      attempts.push(attempt);
      options.onAttempt?.(attempt);
      if (attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300) {
        acknowledged.set(event.id, attempt.answeredAt);
        return;
      }
      const backoff = Math.min(maxBackoff, initialBackoff * 2 ** n);
      await sleep(backoff / 2 + Math.random() * (backoff / 2));
    }
    unacknowledged.push(event.id);
  }

  async function lane(): Promise<void> {
    while (next < events.length) {
      const index = next;
      next += 1;
      if (options.spacingMs) await sleep(options.spacingMs);
      await deliver(index);
    }
  }

  await Promise.all(Array.from({ length: Math.min(options.concurrency, events.length) }, lane));
  return { events: events.length, acknowledged, attempts, unacknowledged, elapsedMs: Date.now() - started };
}

/** Counts of attempts by status (or error code for failed connections), for a test's summary line. */
export function attemptSummary(attempts: Attempt[]): Record<string, number> {
  const summary: Record<string, number> = {};
  for (const attempt of attempts) {
    const key = attempt.status === undefined ? `conn:${attempt.error}` : String(attempt.status);
    summary[key] = (summary[key] ?? 0) + 1;
  }
  return summary;
}

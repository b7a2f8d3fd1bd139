import { EventRefusedByTemporal, TemporalRateLimited, TemporalUnavailable } from '../common/event-starter';

/** How the ingress answers each class of failed start (common/start-errors.ts says which is which). */
export interface StartRefusalAnswer {
  status: 400 | 429 | 503;
  reason: 'rejected_by_temporal' | 'temporal_rate_limited' | 'temporal_unavailable';
  message: string;
  headers: Record<string, string>;
  /** For the log: the underlying client error (never carries the payload). */
  cause: unknown;
}

export const START_REFUSAL_REASONS = [
  'rejected_by_temporal',
  'temporal_rate_limited',
  'temporal_unavailable',
] as const;

/** Seconds a rate-limited sender should wait: the namespace's limit refills every second. */
const RATE_LIMIT_RETRY_AFTER_SECONDS = 5;

export function startRefusalAnswer(err: unknown, retryAfterSeconds: number): StartRefusalAnswer | undefined {
  if (err instanceof EventRefusedByTemporal) {
    return {
      status: 400,
      reason: 'rejected_by_temporal',
      message:
        `Temporal refused this event: ${err.temporalMessage} Nothing was started, and sending ` +
        'the same event again fails the same way.',
      headers: {},
      cause: err.cause,
    };
  }
  if (err instanceof TemporalRateLimited) {
    return {
      status: 429,
      reason: 'temporal_rate_limited',
      message: "The Temporal namespace's rate limit is exhausted. Retry later; nothing was lost.",
      headers: { 'Retry-After': String(RATE_LIMIT_RETRY_AFTER_SECONDS) },
      cause: err.cause,
    };
  }
  if (err instanceof TemporalUnavailable) {
    return {
      status: 503,
      reason: 'temporal_unavailable',
      message: 'Temporal did not confirm the workflow start in time. Retry later; nothing was lost.',
      headers: { 'Retry-After': String(retryAfterSeconds) },
      cause: err.cause ?? err,
    };
  }
  return undefined;
}

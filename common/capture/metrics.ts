import { Counter, register } from 'prom-client';
import type { Registry } from 'prom-client';

/** Why a capture did not reach Temporal. The webhook still brings the change; these say how often it had to. */
export const CAPTURE_FAILURE_REASONS = [
  'temporal_unavailable',
  'temporal_rate_limited',
  'refused_by_temporal',
  'overloaded',
  'unidentified_response',
  'internal_error',
] as const;
export type CaptureFailureReason = (typeof CAPTURE_FAILURE_REASONS)[number];

export interface CaptureMetrics {
  /** Captures Temporal confirmed, by object kind and result: `started`, or `duplicate` (already started). */
  captured: Counter<'object' | 'result'>;
  failed: Counter<'reason'>;
}

/**
 * The application's registry (prom-client's global one by default, which most apps serve), so the
 * capture counters appear on the application's own /metrics. Several capturing clients in one
 * process share the counters instead of failing on a second registration.
 */
export function captureMetrics(registry: Registry = register): CaptureMetrics {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
    (registry.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter({ name, help, labelNames, registers: [registry] });
  const captured = counter(
    'stripe_captures_total',
    'Stripe API responses of a mirrored kind handed to Temporal, by object kind and result (started, duplicate).',
    ['object', 'result'],
  );
  const failed = counter(
    'stripe_capture_failures_total',
    'Captures that did not reach Temporal, by reason; the API call succeeded and the webhook brings the change.',
    ['reason'],
  );
  // Every reason at 0 from the start, so rate() and alerts work before the first failure.
  for (const reason of CAPTURE_FAILURE_REASONS) failed.inc({ reason }, 0);
  return { captured, failed };
}

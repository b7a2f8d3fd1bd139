import { Context } from '@temporalio/activity';
import { PINNED_STRIPE_API_VERSION } from '../common/stripe-api';
import type { StripeEvent } from '../common/stripe-event';
import { logger } from '../common/logger';

const warned = new Set<string>();

/**
 * Payloads are shaped by the webhook endpoint's API version, while this code's types (and any
 * re-fetch) follow the SDK's pinned one. A difference is not an error (the readers accept every
 * version), but it is worth knowing before an upgrade: each event's version is kept in the ledger
 * (`stripe_events.api_version`, shown by `ops status`), every mismatch counts in the worker's
 * metrics as `stripe_event_api_version_mismatch`, and the first per version is logged (at info: under load a warning per process would be noise).
 */
export function recordApiVersion(event: StripeEvent): boolean {
  const version = event.api_version;
  if (!version || version === PINNED_STRIPE_API_VERSION) return false;
  activityMetricMeter()
    ?.createCounter(
      'stripe_event_api_version_mismatch',
      '{event}',
      'Events whose api_version differs from the version the SDK pins',
    )
    .withTags({ api_version: version, pinned: PINNED_STRIPE_API_VERSION })
    .add(1);
  if (!warned.has(version)) {
    warned.add(version);
    logger.info(
      { eventId: event.id, eventType: event.type, apiVersion: version, pinned: PINNED_STRIPE_API_VERSION },
      'event api_version differs from the pinned version',
    );
  }
  return true;
}

/** The worker's metric meter, or undefined when a handler is called outside an activity (tests, scripts). */
function activityMetricMeter(): Context['metricMeter'] | undefined {
  try {
    return Context.current().metricMeter;
  } catch {
    return undefined;
  }
}

import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import { EXTRA_REJECTION_REASONS } from './metrics';
import { PROVIDER_REJECTION_REASONS } from './providers/verify';

export type ProviderMetrics = ReturnType<typeof createProviderMetrics>;

/**
 * The Stripe endpoint's metrics for the other providers, under the same names with `provider_` for
 * `stripe_` and a `provider` label: the Stripe names stay as they are, for the dashboards and alerts
 * already built on them.
 */
export function createProviderMetrics(registry: Registry, providers: readonly string[]) {
  const labelNames = ['provider'] as const;
  const metrics = {
    received: new Counter({
      name: 'provider_webhooks_received_total',
      help: 'Webhook deliveries received on POST /webhooks/<provider>.',
      labelNames,
      registers: [registry],
    }),
    accepted: new Counter({
      name: 'provider_webhooks_accepted_total',
      help: 'Provider deliveries for which Temporal confirmed a new workflow start.',
      labelNames,
      registers: [registry],
    }),
    duplicate: new Counter({
      name: 'provider_webhooks_duplicate_total',
      help: 'Provider deliveries of an event already accepted; answered 200.',
      labelNames,
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'provider_webhooks_rejected_total',
      help: 'Provider deliveries answered with a non-2xx status, by reason.',
      labelNames: ['provider', 'reason'] as const,
      registers: [registry],
    }),
    startDuration: new Histogram({
      name: 'provider_workflow_start_duration_seconds',
      help: 'Time to get a provider workflow start (or duplicate) confirmed by Temporal, by outcome.',
      labelNames: ['provider', 'outcome'] as const,
      registers: [registry],
    }),
  };
  // Every series at 0 from the start, so rate() and alerts work before the first delivery.
  for (const provider of providers) {
    for (const counter of [metrics.received, metrics.accepted, metrics.duplicate])
      counter.inc({ provider }, 0);
    for (const reason of [...PROVIDER_REJECTION_REASONS, ...EXTRA_REJECTION_REASONS])
      metrics.rejected.inc({ provider, reason }, 0);
  }
  return metrics;
}

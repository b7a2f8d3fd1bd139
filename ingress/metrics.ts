import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { START_REFUSAL_REASONS } from './start-refusals';
import { REJECTION_REASONS } from './stripe-webhook';

/** Non-2xx answers beyond the 400s of verification. Stripe retries every one of them. */
export const EXTRA_REJECTION_REASONS = [
  'body_too_large',
  'body_unreadable',
  ...START_REFUSAL_REASONS,
  'internal_error',
] as const;

export type IngressMetrics = ReturnType<typeof createMetrics>;

/** One registry per app, not prom-client's global one, so tests can build many apps in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = {
    registry,
    received: new Counter({
      name: 'stripe_webhooks_received_total',
      help: 'Webhook deliveries received on POST /webhooks/stripe.',
      registers: [registry],
    }),
    accepted: new Counter({
      name: 'stripe_webhooks_accepted_total',
      help: 'Deliveries for which Temporal confirmed a new workflow start.',
      registers: [registry],
    }),
    duplicate: new Counter({
      name: 'stripe_webhooks_duplicate_total',
      help: 'Deliveries of an event already accepted (Temporal rejected the duplicate workflow id); answered 200.',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'stripe_webhooks_rejected_total',
      help: 'Deliveries answered with a non-2xx status, by reason.',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    startDuration: new Histogram({
      name: 'stripe_workflow_start_duration_seconds',
      help: 'Time to get a workflow start (or duplicate) confirmed by Temporal, by outcome.',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
  // Export every reason at 0 from the start, so rate() and alerts work before the first rejection.
  for (const reason of [...REJECTION_REASONS, ...EXTRA_REJECTION_REASONS])
    metrics.rejected.inc({ reason }, 0);
  return metrics;
}

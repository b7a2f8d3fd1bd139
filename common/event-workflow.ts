/**
 * The contract between everyone who starts event workflows (the ingress, reconciliation, backfill,
 * the ops CLI) and the worker that runs them: names, the routing table, the input and the result.
 *
 * Pure module: the workflow sandbox imports it too, so no Node built-ins, clients or database here.
 * The workflow implements `ProcessStripeEvent`, so a change of signature on either side fails to
 * compile instead of failing at run time.
 */
import type { StripeEvent } from './stripe-event';

export const PROCESS_STRIPE_EVENT = 'processStripeEvent';
export const RECONCILE_WITH_STRIPE = 'reconcileWithStripe';
export const DEFAULT_TASK_QUEUE = 'stripe-events';

/** applied: the mirror changed; stale: it already held newer state; ignored: no handler. */
export type Outcome = 'applied' | 'stale' | 'ignored';

export interface ProcessResult {
  eventId: string;
  eventType: string;
  outcome: Outcome;
  handler?: string;
  /** The ledger already held the event (a reset or a redelivery): nothing was written again. */
  alreadyRecorded?: boolean;
  /** The handler applied the object as retrieved from Stripe's API, not the payload. */
  refetched?: boolean;
  /** The subscribers the event was handed to, each a `deliverToSubscriber` workflow (common/subscriber-contract.ts). */
  subscribers?: string[];
}

/**
 * How the run processes its event, chosen by whoever starts it. Version 2 runs the handler as a
 * local activity first (one workflow task, 7 history events) and falls back to a regular activity;
 * a start without options is a run from before it (workflows/process-first-release.ts).
 *
 * The version travels in the input rather than in a new workflow type name so that the type stays
 * `processStripeEvent`: operators' saved Web UI filters, `ops stuck`/`redrive` queries and other
 * teams' dashboards keep working, while every recorded history still replays the code it ran.
 */
export interface ProcessOptions {
  version: 2;
}

/** What every starter passes today. */
export const CURRENT_PROCESS_OPTIONS: ProcessOptions = { version: 2 };

/** The workflow type `processStripeEvent`: workflow id = the Stripe event id. */
export type ProcessStripeEvent = (event: StripeEvent, options?: ProcessOptions) => Promise<ProcessResult>;

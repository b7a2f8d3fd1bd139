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
}

/** The workflow type `processStripeEvent`: workflow id = the Stripe event id. */
export type ProcessStripeEvent = (event: StripeEvent) => Promise<ProcessResult>;

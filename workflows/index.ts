export { processStripeEvent } from './process-stripe-event';
export type { ProcessResult } from './process-stripe-event';
export { reconcileWithStripe } from './reconcile';

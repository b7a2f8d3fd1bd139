export { processStripeEvent } from './process-stripe-event';
export type { ProcessResult } from '../common/event-workflow';
export { reconcileWithStripe } from './reconcile';
export { syncStripeAccount } from './sync';

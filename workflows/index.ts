export { processStripeEvent } from './process-stripe-event';
export type { ProcessResult } from '../common/event-workflow';
export { reconcileWithStripe } from './reconcile';
export { applyCapturedObject } from './apply-captured-object';
export { processProviderEvent } from './process-provider-event';
export type { ProviderResult } from '../common/provider-event';
export { syncStripeAccount } from './sync';
export { deliverToSubscriber } from './deliver-to-subscriber';

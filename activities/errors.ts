import { ApplicationFailure } from '@temporalio/common';
import { INVALID_STRIPE_PAYLOAD } from '../common/failures';

export { INVALID_STRIPE_PAYLOAD };

/**
 * A payload that breaks an invariant will fail the same way on every attempt, so retrying is
 * pointless: fail the workflow with a named error instead. Fix the handler, then reset to replay.
 */
export function invalidPayload(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, INVALID_STRIPE_PAYLOAD);
}

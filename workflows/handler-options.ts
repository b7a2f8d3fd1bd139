import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import { HANDLER_PAUSED, INVALID_STRIPE_PAYLOAD, THIN_EVENT_NEEDS_API_KEY } from '../common/failures';

/**
 * The visible path. No attempt limit: a handler failing on a transient error (database down, a
 * bug, a paused handler) keeps retrying with capped backoff and shows as a pending activity in the
 * Web UI, the stuck-event view. Deploy the fix and the next attempt succeeds. Payloads that break
 * an invariant fail at once instead.
 */
export const HANDLER_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: [INVALID_STRIPE_PAYLOAD],
  },
};

/**
 * The fast path: the handler runs inside the workflow task, in the worker that holds it, with no
 * round trip through matching and no activity events in the history. Bounded short (3 attempts
 * within about 12 s), so an event that does not succeed quickly moves to the visible path instead
 * of retrying where no one can see it. A pause and a missing API key need the visible path's
 * pending activity at once (operators look for it), so they are not retried here.
 */
export const HANDLER_LOCAL_ACTIVITY: LocalActivityOptions = {
  startToCloseTimeout: '5 seconds',
  scheduleToCloseTimeout: '15 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 4,
    maximumAttempts: 3,
    nonRetryableErrorTypes: [INVALID_STRIPE_PAYLOAD, HANDLER_PAUSED, THIN_EVENT_NEEDS_API_KEY],
  },
};

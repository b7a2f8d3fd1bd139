import { log, proxyActivities } from '@temporalio/workflow';
import type { StripeActivities } from '../activities';
import { captureHandler, capturedEvent } from '../common/capture/contract';
import type { ApplyCapturedObject, CaptureResult } from '../common/capture/contract';
import { INVALID_STRIPE_PAYLOAD } from '../common/failures';

/**
 * Bounded, unlike an event's handler: a capture only gets the mirror there sooner. If it cannot be
 * applied within the hour (a paused handler, the database down), the webhook for the same change,
 * which retries without limit, still brings it.
 */
const handlers = proxyActivities<StripeActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: [INVALID_STRIPE_PAYLOAD],
  },
});

/** Implements common/capture/contract.ts: the object applied by its kind's handler, as an event would be. */
export const applyCapturedObject: ApplyCapturedObject = async (capture): Promise<CaptureResult> => {
  const event = capturedEvent(capture);
  const handler = captureHandler(capture.object.object);
  const base = { captureId: event.id, objectKind: capture.object.object };
  // The capturing client starts only mirrored kinds; one no longer mirrored is left to nobody.
  if (!handler) return { ...base, outcome: 'ignored', alreadyRecorded: false };
  const result = await handlers[handler](event);
  log.info('capture applied', { captureId: event.id, handler, outcome: result.outcome });
  return {
    ...base,
    handler,
    outcome: result.outcome,
    alreadyRecorded: result.alreadyRecorded,
  };
};

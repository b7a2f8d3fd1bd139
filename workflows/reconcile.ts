import { log, proxyActivities } from '@temporalio/workflow';
import type { ReconcileActivities, ReconcileInput, ReconcileResult } from '../activities/reconcile';

/**
 * One pass of continuous reconciliation, started by the reconcile schedule every few minutes: list
 * Stripe's events since the persisted cursor and start those that never reached us. A failed pass
 * leaves the cursor where it was, so the next one covers its window again.
 */
const { reconcileStripeEvents } = proxyActivities<ReconcileActivities>({
  // Long enough for a backlog after an outage (a pass starts ~100 events/s); a pass cut short is
  // retried from the same cursor, and what it already started dedupes.
  startToCloseTimeout: '1 hour',
  // A page of 100 starts takes well under a minute; a silent activity has lost its worker.
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

export async function reconcileWithStripe(input: ReconcileInput): Promise<ReconcileResult> {
  const result = await reconcileStripeEvents(input);
  for (const warning of result.warnings) log.warn(warning, { cursorName: input.cursorName });
  log.info('reconcile pass done', {
    listed: result.listed,
    started: result.started,
    alreadyRecorded: result.alreadyRecorded,
    alreadyStarted: result.alreadyStarted,
  });
  return result;
}

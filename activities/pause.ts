import { ApplicationFailure } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { handlerPauses } from '../db/schema';

import { HANDLER_PAUSED } from '../common/failures';

export { HANDLER_PAUSED };

/**
 * How soon a paused handler's events look again. Short and fixed rather than the workflow's
 * backoff (up to 5 minutes): `resume-handler` should take effect within seconds, and while paused
 * each waiting event costs one primary-key read per interval.
 */
export const PAUSED_RETRY_DELAY_MS = 5_000;

/**
 * Throws a retryable `HandlerPaused` failure while an operator has paused `handler`
 * (`ops pause-handler`). The event stays a running workflow with a pending activity whose last
 * failure says why, visible in `ops stuck` and the Web UI, and is applied once the pause is lifted.
 */
export async function assertHandlerNotPaused(db: Database, handler: string): Promise<void> {
  const [pause] = await db
    .select({ reason: handlerPauses.reason })
    .from(handlerPauses)
    .where(eq(handlerPauses.handler, handler));
  if (!pause) return;
  throw ApplicationFailure.create({
    type: HANDLER_PAUSED,
    message: `handler ${handler} is paused: ${pause.reason}`,
    nonRetryable: false,
    nextRetryDelay: PAUSED_RETRY_DELAY_MS,
  });
}

import { ApplicationFailure } from '@temporalio/common';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { INVALID_STRIPE_PAYLOAD } from '../common/failures';

export { INVALID_STRIPE_PAYLOAD };

/**
 * A payload that breaks an invariant will fail the same way on every attempt, so retrying is
 * pointless: fail the workflow with a named error instead. Fix the handler, then reset to replay.
 */
export function invalidPayload(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, INVALID_STRIPE_PAYLOAD);
}

interface PostgresLikeError {
  code?: unknown;
  message?: unknown;
}

function postgresCause(err: unknown): PostgresLikeError | undefined {
  // drizzle wraps driver errors in DrizzleQueryError; the driver's error (with SQLSTATE) is its cause.
  for (let current: unknown = err; current instanceof Error; current = current.cause) {
    const code = (current as PostgresLikeError).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return current;
  }
  return undefined;
}

/**
 * What a handler failure becomes before it leaves the activity, for two reasons:
 *
 * - Privacy. drizzle's error message is "Failed query: <sql> params: <every value>", which would
 *   put customers' emails and names into worker logs, the Web UI and workflow history. Only the
 *   SQLSTATE and Postgres's own message survive (for data exceptions, class 22, not even that:
 *   those messages quote the offending value).
 * - Retry policy. Data exceptions and integrity violations (SQLSTATE classes 22 and 23) and
 *   out-of-range dates come from the payload and fail identically on every attempt, so they are
 *   non-retryable. Everything else (connections, locks, a missing table) is transient: retry.
 */
export function toActivityFailure(err: unknown, context: string): Error {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof RangeError) return invalidPayload(`${context}: value out of range (${err.message})`);
  const pg = postgresCause(err);
  if (!pg) {
    // A query that failed without a SQLSTATE (connection refused, reset): drop drizzle's wrapper,
    // whose message lists the parameters, and keep the driver's own error.
    if (err instanceof DrizzleQueryError) {
      const cause = err.cause;
      return new Error(`${context}: query failed: ${cause ? `${cause.name}: ${cause.message}` : 'no cause'}`);
    }
    return err instanceof Error ? err : new Error(`${context}: ${String(err)}`);
  }
  const code = String(pg.code);
  if (code.startsWith('22')) {
    return invalidPayload(`${context}: a payload value does not fit its column (SQLSTATE ${code})`);
  }
  const message = `${context}: postgres error ${code}: ${String(pg.message)}`;
  return code.startsWith('23') ? invalidPayload(message) : new Error(message);
}

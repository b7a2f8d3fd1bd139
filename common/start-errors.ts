/**
 * Why Temporal did not start an event's workflow, in three classes with different answers to the
 * sender (the ingress maps them to HTTP; reconcile and backfill count them):
 *
 * - TemporalUnavailable: our side. Unreachable, too slow, credentials refused, namespace missing.
 *   Retry later; nothing was lost.
 * - TemporalRateLimited: the namespace's rate limit (gRPC RESOURCE_EXHAUSTED). Retry later.
 * - EventRefusedByTemporal: one of the event's own values breaks a Temporal limit (INVALID_ARGUMENT
 *   and the like), e.g. an event id over the workflow id limit or a payload over the blob limit.
 *   Sending the same event again fails the same way: the sender's fault.
 */
import { status } from '@grpc/grpc-js';
import { isGrpcServiceError, ServiceError } from '@temporalio/client';

export class TemporalUnavailable extends Error {
  override name = 'TemporalUnavailable';
}

export class TemporalRateLimited extends Error {
  override name = 'TemporalRateLimited';
}

export class EventRefusedByTemporal extends Error {
  override name = 'EventRefusedByTemporal';
  constructor(
    /** Temporal's own words: which rule or limit. Never the payload (it is not echoed). */
    readonly temporalMessage: string,
    options?: ErrorOptions,
  ) {
    super(`Temporal refused to start the workflow: ${temporalMessage}`, options);
  }
}

const REFUSED_BY_REQUEST = new Set<number>([
  status.INVALID_ARGUMENT,
  status.FAILED_PRECONDITION,
  status.OUT_OF_RANGE,
]);

/**
 * Temporal refuses the request for one of the event's own values: its id (the workflow id), the
 * ids and type in the search attributes, or the payload over the blob limit. The same codes also
 * report our own misconfiguration (search attributes not registered, a task queue name over its
 * limit); those are not the sender's fault and stay 503 until an operator fixes them.
 */
const EVENT_LIMIT = /exceeds (size )?limit/i;
const OUR_SETTINGS = /task ?queue|workflow ?type|namespace|request ?id|identity|no mapping defined/i;

/** The gRPC status behind a client error: the client wraps it in ServiceError's cause. */
function grpcStatusOf(err: unknown): { code: number; details: string } | undefined {
  const candidate = err instanceof ServiceError ? err.cause : err;
  if (isGrpcServiceError(candidate)) return { code: candidate.code, details: candidate.details };
  return undefined;
}

/** Classifies a failed start; `context` names the event for the log, never its content. */
export function classifyStartError(err: unknown, context: string): Error {
  const grpc = grpcStatusOf(err);
  if (grpc && REFUSED_BY_REQUEST.has(grpc.code)) {
    // Temporal's messages name the rule ("WorkflowId length exceeds limit."); cap them anyway.
    const message = grpc.details.slice(0, 300);
    if (EVENT_LIMIT.test(message) && !OUR_SETTINGS.test(message)) {
      return new EventRefusedByTemporal(message, { cause: err });
    }
    return new TemporalUnavailable(
      `Temporal refused ${context} because of this deployment's setup: ${message}`,
      {
        cause: err,
      },
    );
  }
  if (grpc?.code === status.RESOURCE_EXHAUSTED) {
    return new TemporalRateLimited(`Temporal's rate limit refused ${context}`, { cause: err });
  }
  return new TemporalUnavailable(`Could not start ${context}`, { cause: err });
}

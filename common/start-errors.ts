/**
 * Why Temporal did not start an event's workflow, in three classes with different answers to the
 * sender (the ingress maps them to HTTP; reconcile and backfill count them):
 *
 * - TemporalUnavailable: our side. Unreachable, too slow, credentials refused, namespace missing.
 *   Retry later; nothing was lost.
 * - TemporalRateLimited: the namespace's rate limit (gRPC RESOURCE_EXHAUSTED). Retry later.
 * - EventRefusedByTemporal: the request itself breaks a Temporal rule (INVALID_ARGUMENT,
 *   FAILED_PRECONDITION, OUT_OF_RANGE), e.g. a workflow id or search attribute over its size
 *   limit. Sending the same event again fails the same way: the sender's fault.
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
    return new EventRefusedByTemporal(grpc.details.slice(0, 300), { cause: err });
  }
  if (grpc?.code === status.RESOURCE_EXHAUSTED) {
    return new TemporalRateLimited(`Temporal's rate limit refused ${context}`, { cause: err });
  }
  return new TemporalUnavailable(`Could not start ${context}`, { cause: err });
}

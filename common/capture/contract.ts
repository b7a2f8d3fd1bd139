/**
 * The contract between the capturing Stripe client (common/capture) and the worker: the workflow's
 * name, its input, and how a captured API response becomes an event the existing handlers apply.
 *
 * Pure module: the workflow sandbox imports it, so no Node built-ins, clients or database here.
 */
import { kindSpec } from '../kinds';
import type { HandlerName } from '../kinds';
import type { StripeEvent, StripeObject } from '../stripe-event';

export const APPLY_CAPTURED_OBJECT = 'applyCapturedObject';

/** What the application's API call returned, with the ids and clock Stripe answered with. */
export interface CapturedObject {
  /** Stripe's `Request-Id` response header (`req_...`): one capture per API call. */
  requestId: string;
  /** Stripe's clock when it answered (`Date` header), in unix seconds. */
  stripeTime: number;
  /** The response body: a mirrored kind, with an id. */
  object: StripeObject;
  livemode: boolean;
  /** The Connect account the call was made for (`Stripe-Account`), or null. */
  account: string | null;
  /** `Stripe-Version` of the response. */
  apiVersion: string | null;
}

export interface CaptureResult {
  captureId: string;
  objectKind: string;
  handler?: string;
  /**
   * applied: the mirror took the object; stale: it already held newer state (the webhook came
   * first); ignored: the kind is no longer mirrored (a capture started by an older client).
   */
  outcome: 'applied' | 'stale' | 'ignored';
  /** The ledger already held this capture: a retry or a reset, nothing written again. */
  alreadyRecorded: boolean;
}

/** The workflow type `applyCapturedObject`: workflow id = `capture:<request id>`. */
export type ApplyCapturedObject = (capture: CapturedObject) => Promise<CaptureResult>;

/** One workflow, and one ledger row, per API call: a repeated start of the same call is a duplicate. */
export function captureWorkflowId(requestId: string): string {
  return `capture:${requestId}`;
}

/** The handler that applies objects of this kind, or undefined when the mirror does not hold it. */
export function captureHandler(objectKind: string): HandlerName | undefined {
  return (kindSpec(objectKind)?.handler as HandlerName | null | undefined) ?? undefined;
}

/**
 * The capture as an event the kind's handler applies through the same ledger and guarded upsert as
 * Stripe's events. Its id is the workflow id (the ledger dedupes the capture itself), its type
 * `capture.<kind>` matches no event type, so no outbox message is ever queued for it: messages
 * come from the webhook, the source of truth.
 *
 * Versioned as re-fetched objects are (activities/stripe-fetch.ts): Stripe's clock when it
 * answered, less a second. The object reflects every change made before then, so an older event
 * that arrives later is stale; the webhook for this very change was created during the call, in
 * that second or the next, so it ties or is newer and wins (an `evt_` id sorts after `capture:`):
 * it rewrites the same values and the mirror ends as the webhook says, never the other way round.
 * A change made by someone else in the same second also wins over the capture.
 */
export function capturedEvent(capture: CapturedObject): StripeEvent {
  return {
    id: captureWorkflowId(capture.requestId),
    object: 'event',
    type: `capture.${capture.object.object}`,
    created: capture.stripeTime - 1,
    livemode: capture.livemode,
    api_version: capture.apiVersion,
    account: capture.account,
    data: { object: capture.object },
  };
}

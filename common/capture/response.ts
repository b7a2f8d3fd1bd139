/**
 * Which API responses are captured, and what of them: pure functions over the request, the status,
 * the headers and the parsed body, so the rules are tested without a server.
 */
import { kindSpec } from '../kinds';
import { refId } from '../stripe-event';
import type { StripeObject } from '../stripe-event';
import { captureHandler } from './contract';
import type { CapturedObject } from './contract';

type Headers = Record<string, string | number | string[] | undefined>;

export interface CaptureRequest {
  method: string;
  headers: Headers;
}

/**
 * Only calls that change something are echoed by a webhook. A read changes nothing, and capturing
 * reads would start a workflow per page view; reconciliation and backfill cover what was missed.
 */
const CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'DELETE']);

export function isChangingMethod(method: string): boolean {
  return CHANGING_METHODS.has(method.toUpperCase());
}

/** A header by name, whatever its case (Node lowercases response headers, stripe-node capitalises requests). */
export function headerValue(headers: Headers, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    return Array.isArray(value) ? value[0] : String(value);
  }
  return undefined;
}

/** `livemode` as the object says it, else as the key says it (`sk_live_`, `rk_live_`). */
function livemodeOf(object: StripeObject, request: CaptureRequest): boolean {
  if (typeof object.livemode === 'boolean') return object.livemode;
  return /^Bearer [a-z]+_live_/.test(headerValue(request.headers, 'authorization') ?? '');
}

/** Why a mirrored object could not be captured: counted and logged, never thrown at the caller. */
export interface CaptureProblem {
  problem: 'unidentified_response';
  objectKind: string;
  detail: string;
}

/**
 * The capture this response calls for, a problem when it calls for one but cannot be versioned,
 * or undefined when there is nothing to capture: a read, an error, a list, an object the mirror
 * does not hold, or an idempotent replay (its first answer was captured).
 */
export function captureFromResponse(
  request: CaptureRequest,
  statusCode: number,
  headers: Headers,
  body: unknown,
): CapturedObject | CaptureProblem | undefined {
  if (!isChangingMethod(request.method) || statusCode < 200 || statusCode >= 300) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const object = body as StripeObject;
  if (typeof object.object !== 'string' || !captureHandler(object.object)) return undefined;
  if (!refId(object[kindSpec(object.object)?.key ?? 'id'])) return undefined;
  if (headerValue(headers, 'idempotent-replayed') === 'true') return undefined;

  const objectKind = object.object;
  const requestId = headerValue(headers, 'request-id');
  const date = Date.parse(headerValue(headers, 'date') ?? '');
  if (!requestId) return { problem: 'unidentified_response', objectKind, detail: 'no Request-Id header' };
  if (Number.isNaN(date)) return { problem: 'unidentified_response', objectKind, detail: 'no Date header' };
  return {
    requestId,
    stripeTime: Math.floor(date / 1000),
    object,
    livemode: livemodeOf(object, request),
    account: headerValue(request.headers, 'stripe-account') ?? null,
    apiVersion:
      headerValue(headers, 'stripe-version') ?? headerValue(request.headers, 'stripe-version') ?? null,
  };
}

export function isCaptureProblem(value: CapturedObject | CaptureProblem): value is CaptureProblem {
  return 'problem' in value;
}

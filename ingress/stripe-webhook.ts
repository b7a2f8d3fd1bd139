import { isUtf8 } from 'node:buffer';
import Stripe from 'stripe';
import { whyNotAStripeEvent } from '../common/stripe-event';
import type { StripeEvent } from '../common/stripe-event';
import { THIN_EVENT_OBJECT } from '../common/thin-event';
import { WebhookRejection } from './rejection';
import { parseThinEvent } from './thin-events';

export { REJECTION_REASONS, WebhookRejection } from './rejection';
export type { RejectionReason } from './rejection';

export interface SignatureHeader {
  timestamp: number;
  signatures: string[];
}

/**
 * `t=<unix>,v1=<hex>[,v1=<hex>...]`, split the way stripe-node splits it. Stricter on `t` than
 * stripe-node (whose parseInt accepts "12abc" and NaN): we do arithmetic on it below.
 */
export function parseSignatureHeader(header: string): SignatureHeader {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const item of header.split(',')) {
    const [key, value = ''] = item.split('=', 2);
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value !== '') signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookRejection(
      'malformed_signature',
      `Stripe-Signature header has no ${timestamp === undefined ? 't=<unix seconds> timestamp' : 'v1=<hex> signature'}; it must look like t=<unix seconds>,v1=<hex signature> (v0 is ignored).`,
    );
  }
  return { timestamp, signatures };
}

const NOT_PARSED = Symbol('verified but not parsed');

/**
 * Tries each configured secret (rotation, Connect endpoints). Returns the parsed body, or NOT_PARSED
 * when the signature matched but stripe-node could not turn the body into an event, and the secret
 * that matched.
 */
function constructWithAnySecret(
  rawBody: Buffer,
  header: string,
  secrets: string[],
): { parsed: unknown; secret: string } {
  for (const secret of secrets) {
    try {
      // Tolerance 0 turns stripe-node's age check off: we check the window ourselves, in both
      // directions, only after the signature matched (see checkTimestamp).
      return { parsed: Stripe.webhooks.constructEvent(rawBody, header, secret, 0), secret };
    } catch (err) {
      if (err instanceof Stripe.errors.StripeSignatureVerificationError) continue;
      // Anything else is thrown after the HMAC matched: JSON.parse failed, or stripe-node refused a
      // thin event (parsed below with its event notification API). We classify the body ourselves.
      return { parsed: NOT_PARSED, secret };
    }
  }
  throw new WebhookRejection(
    'signature_mismatch',
    'No v1 signature matches the configured webhook secret(s). Check that STRIPE_WEBHOOK_SECRET holds the signing secret (whsec_...) of this endpoint (Dashboard, or the one `stripe listen` prints), not of another endpoint or mode, and that the raw request body reaches this service byte for byte (no proxy re-serializing the JSON).',
  );
}

/**
 * stripe-node rejects only timestamps that are too OLD. A FUTURE timestamp passes it for as long as
 * it lies ahead, so a request signed with t far ahead (a briefly leaked secret, a test tool, a signer
 * with a wrong clock) could be replayed for months. Stripe signs at send time, so a genuine delivery
 * is never further ahead than the clock skew between us: the window is symmetric.
 */
function checkTimestamp(timestamp: number, toleranceSeconds: number, nowSeconds: number): void {
  const skew = nowSeconds - timestamp;
  if (Math.abs(skew) <= toleranceSeconds) return;
  const direction = skew > 0 ? `${skew} s old` : `${-skew} s in the future`;
  throw new WebhookRejection(
    'timestamp_outside_tolerance',
    `Signature timestamp is ${direction}; the tolerance is ${toleranceSeconds} s. Replayed deliveries are refused: check this host's clock (NTP), or re-sign test requests with a current timestamp.`,
  );
}

/**
 * Deeper than any Stripe event (an expanded invoice line is about ten levels down). A signed body
 * nested thousands deep parses, but the Temporal client's JSON.stringify then overflows the stack:
 * that surfaced as 503, which Stripe would retry for three days.
 */
export const MAX_JSON_DEPTH = 64;

/** Iterative, so a hostile depth cannot overflow the stack here either. */
export function deeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

function parseJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8')) as unknown;
  } catch {
    throw new WebhookRejection(
      'invalid_json',
      'The signature is valid but the body is not JSON. Send the event exactly as Stripe delivered it.',
    );
  }
}

/**
 * Verifies a delivery over the exact bytes received, then checks it is a Stripe event.
 * Throws WebhookRejection; anything else it throws is a bug.
 */
export function verifyStripeEvent(
  rawBody: Buffer,
  header: string | undefined,
  secrets: string[],
  toleranceSeconds: number,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): StripeEvent {
  if (header === undefined || header.trim() === '') {
    throw new WebhookRejection(
      'missing_signature',
      'No Stripe-Signature header. Stripe signs every delivery: send requests from Stripe or `stripe listen`, or sign test requests with stripe.webhooks.generateTestHeaderString().',
    );
  }
  const { timestamp } = parseSignatureHeader(header);
  const { parsed, secret } = constructWithAnySecret(rawBody, header, secrets);
  checkTimestamp(timestamp, toleranceSeconds, nowSeconds);
  // JSON is UTF-8 (RFC 8259); a lossy decode would start a workflow on text nobody signed.
  if (!isUtf8(rawBody)) {
    throw new WebhookRejection(
      'invalid_json',
      'The signature is valid but the body is not UTF-8 text. Send the event exactly as Stripe delivered it.',
    );
  }
  const body = parsed === NOT_PARSED ? parseJson(rawBody) : parsed;
  if (deeperThan(body, MAX_JSON_DEPTH)) {
    throw new WebhookRejection(
      'not_a_stripe_event',
      `The signature is valid but the body nests deeper than ${MAX_JSON_DEPTH} levels; no Stripe event does.`,
    );
  }
  if ((body as { object?: unknown } | null)?.object === THIN_EVENT_OBJECT) {
    return parseThinEvent(rawBody, header, secret);
  }
  const why = whyNotAStripeEvent(body);
  if (why !== undefined) {
    throw new WebhookRejection(
      'not_a_stripe_event',
      `The signature is valid but the body is not a Stripe event: ${why}. This endpoint takes snapshot events (object "event") and thin events (object "${THIN_EVENT_OBJECT}").`,
    );
  }
  return body as StripeEvent;
}

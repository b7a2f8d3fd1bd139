import { isUtf8 } from 'node:buffer';
import { deeperThan, MAX_JSON_DEPTH } from '../stripe-webhook';
import { ProviderRejection } from './rejection';

/** What a verifier hands on: the sender's event id and type, and the parsed body. */
export interface VerifiedDelivery {
  id: string;
  type: string;
  payload: unknown;
}

/** Lower-cased header names to their value; a repeated header counts as absent (ambiguous). */
export type Headers = Record<string, string | string[] | undefined>;

export function singleHeader(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Parses a body whose signature already matched, with the Stripe path's UTF-8 and depth rules. */
export function parseSignedJson(rawBody: Buffer, provider: string): unknown {
  let body: unknown;
  try {
    if (!isUtf8(rawBody)) throw new Error('not UTF-8');
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new ProviderRejection(
      'invalid_json',
      `The signature is valid but the body is not UTF-8 JSON. Send the event exactly as ${provider} delivered it.`,
    );
  }
  if (deeperThan(body, MAX_JSON_DEPTH)) {
    throw new ProviderRejection(
      'not_an_event',
      `The signature is valid but the body nests deeper than ${MAX_JSON_DEPTH} levels.`,
    );
  }
  return body;
}

/** The value at a dot path, as an id or type: a non-empty string, or an integer turned into one. */
export function readIdentifier(body: unknown, path: readonly string[]): string | undefined {
  let node = body;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  if (typeof node === 'string' && node.trim() !== '') return node;
  if (typeof node === 'number' && Number.isSafeInteger(node)) return String(node);
  return undefined;
}

export function requireIdentifier(
  body: unknown,
  path: readonly string[],
  what: 'event id' | 'event type',
): string {
  const value = readIdentifier(body, path);
  if (value === undefined) {
    throw new ProviderRejection(
      'not_an_event',
      `The signature is valid but the body has no ${what} at "${path.join('.')}" (a non-empty string or an integer). Check the provider's ${what === 'event id' ? 'eventIdPath' : 'eventTypePath'} in WEBHOOK_PROVIDERS.`,
    );
  }
  return value;
}

/**
 * A generic HMAC verifier for senders with their own scheme (GitHub's `X-Hub-Signature-256:
 * sha256=<hex>`, Shopify's base64, ...): an HMAC of the raw body, or of `<timestamp>.<raw body>` when
 * the provider sends a timestamp header. Hand-written because there is no common package for
 * "some HMAC in some header"; node:crypto does the HMAC and the constant-time comparison.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HmacProvider } from '../../common/provider-config';
import type { Headers, VerifiedDelivery } from './delivery';
import { parseSignedJson, requireIdentifier, singleHeader } from './delivery';
import { ProviderRejection } from './rejection';

type SigningOptions = Pick<HmacProvider, 'algorithm' | 'encoding' | 'signaturePrefix'>;

function signedContent(rawBody: Buffer, timestamp: string | undefined): Buffer {
  return timestamp === undefined ? rawBody : Buffer.concat([Buffer.from(`${timestamp}.`), rawBody]);
}

/** The header value a sender computes; exported for tests and for users signing test requests. */
export function signHmac(
  rawBody: Buffer | string,
  secret: string,
  options: SigningOptions,
  timestamp?: string,
): string {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody) : rawBody;
  const digest = createHmac(options.algorithm, secret).update(signedContent(body, timestamp)).digest();
  return `${options.signaturePrefix}${digest.toString(options.encoding)}`;
}

const PATTERNS = { hex: /^[0-9a-fA-F]+$/, base64: /^[A-Za-z0-9+/]+={0,2}$/ };

/** The received signature's bytes; undefined when it is not in the configured encoding. */
function decodeSignature(value: string, provider: HmacProvider): Buffer | undefined {
  if (!value.startsWith(provider.signaturePrefix)) return undefined;
  const encoded = value.slice(provider.signaturePrefix.length);
  if (!PATTERNS[provider.encoding].test(encoded)) return undefined;
  return Buffer.from(encoded, provider.encoding);
}

function readTimestamp(provider: HmacProvider, headers: Headers): string | undefined {
  if (!provider.timestamp) return undefined;
  const { header } = provider.timestamp;
  const value = singleHeader(headers, header);
  if (value === undefined) {
    throw new ProviderRejection(
      'missing_signature',
      `Missing ${header}: ${provider.name} signs a timestamp.`,
    );
  }
  if (!/^\d+$/.test(value)) {
    throw new ProviderRejection('malformed_signature', `${header} must be unix seconds.`);
  }
  return value;
}

function checkWindow(provider: HmacProvider, timestamp: string | undefined, nowSeconds: number): void {
  if (!provider.timestamp || timestamp === undefined) return;
  const skew = nowSeconds - Number(timestamp);
  if (Math.abs(skew) <= provider.timestamp.toleranceSeconds) return;
  throw new ProviderRejection(
    'timestamp_outside_tolerance',
    `${provider.timestamp.header} is ${skew > 0 ? `${skew} s old` : `${-skew} s in the future`}; the tolerance is ${provider.timestamp.toleranceSeconds} s. Replayed deliveries are refused: check this host's clock (NTP).`,
  );
}

export function verifyHmac(
  rawBody: Buffer,
  headers: Headers,
  provider: HmacProvider,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): VerifiedDelivery {
  const header = singleHeader(headers, provider.signatureHeader);
  if (header === undefined) {
    throw new ProviderRejection(
      'missing_signature',
      `Missing ${provider.signatureHeader}: ${provider.name} signs every delivery in that header.`,
    );
  }
  const timestamp = readTimestamp(provider, headers);
  const received = decodeSignature(header, provider);
  if (!received) {
    throw new ProviderRejection(
      'malformed_signature',
      `${provider.signatureHeader} must be ${provider.signaturePrefix ? `"${provider.signaturePrefix}" then ` : ''}the ${provider.encoding} ${provider.algorithm} HMAC.`,
    );
  }
  const content = signedContent(rawBody, timestamp);
  const matches = provider.secrets.some((secret) => {
    const expected = createHmac(provider.algorithm, secret).update(content).digest();
    // timingSafeEqual throws on a length difference; the length of a digest is no secret.
    return expected.length === received.length && timingSafeEqual(expected, received);
  });
  if (!matches) {
    throw new ProviderRejection(
      'signature_mismatch',
      `${provider.signatureHeader} does not match the secret(s) configured for ${provider.name}. Check its secretsVariable, its encoding (${provider.encoding})${provider.timestamp ? ` and that the signed content is "<${provider.timestamp.header}>.<raw body>"` : ''}, and that the raw body reaches this service byte for byte.`,
    );
  }
  // The window is checked only once the signature proves the timestamp is the sender's own.
  checkWindow(provider, timestamp, nowSeconds);
  const payload = parseSignedJson(rawBody, provider.name);
  return {
    id: requireIdentifier(payload, provider.eventIdPath, 'event id'),
    type: requireIdentifier(payload, provider.eventTypePath, 'event type'),
    payload,
  };
}

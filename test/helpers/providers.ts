import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { HmacProvider, StandardWebhooksProvider } from '../../common/provider-config';
import { signHmac } from '../../ingress/providers/hmac';

/** A Standard Webhooks secret as Svix hands it out: whsec_ and base64 of random bytes. */
export function standardWebhooksSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function standardWebhooksProvider(secrets: string[], name = 'clerk'): StandardWebhooksProvider {
  return { name, verifier: 'standard-webhooks', secrets, eventTypePath: ['type'] };
}

/** The three headers a Standard Webhooks sender adds, signed for real by the spec's package. */
export function standardWebhooksHeaders(
  body: string,
  secret: string,
  { id = `msg_${randomBytes(8).toString('hex')}`, at = new Date() }: { id?: string; at?: Date } = {},
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

/** A GitHub-like sender: `sha256=<hex>` of `<timestamp>.<body>`, id and type inside the body. */
export function hmacProvider(secrets: string[], overrides: Partial<HmacProvider> = {}): HmacProvider {
  return {
    name: 'acme',
    verifier: 'hmac',
    secrets,
    signatureHeader: 'x-acme-signature',
    algorithm: 'sha256',
    encoding: 'hex',
    signaturePrefix: 'sha256=',
    timestamp: { header: 'x-acme-timestamp', toleranceSeconds: 300 },
    eventIdPath: ['event', 'id'],
    eventTypePath: ['event', 'kind'],
    ...overrides,
  };
}

export function hmacHeaders(
  body: string,
  secret: string,
  provider: HmacProvider,
  timestampSeconds = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const timestamp = provider.timestamp ? String(timestampSeconds) : undefined;
  return {
    [provider.signatureHeader]: signHmac(body, secret, provider, timestamp),
    ...(provider.timestamp && timestamp && { [provider.timestamp.header]: timestamp }),
  };
}

/**
 * Standard Webhooks (https://www.standardwebhooks.com, the scheme of Svix, Clerk, Resend...):
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`,
 * verified by the spec's own `standardwebhooks` package (constant-time, 300 s window both ways).
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { StandardWebhooksProvider } from '../../common/provider-config';
import type { Headers, VerifiedDelivery } from './delivery';
import { parseSignedJson, requireIdentifier, singleHeader } from './delivery';
import { ProviderRejection } from './rejection';

const REQUIRED = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/** The package's messages, which are its only way to say why, mapped to our reasons. */
function rejectionFor(err: WebhookVerificationError, name: string): ProviderRejection {
  if (/too old|too new/.test(err.message)) {
    return new ProviderRejection(
      'timestamp_outside_tolerance',
      `webhook-timestamp is more than 300 s from this host's time (${err.message}). Replayed deliveries are refused: check this host's clock (NTP), or re-sign test requests with a current timestamp.`,
    );
  }
  if (/no matching signature/i.test(err.message)) {
    return new ProviderRejection(
      'signature_mismatch',
      `No v1 signature in webhook-signature matches the secret(s) configured for ${name}. Check that its secretsVariable holds this endpoint's signing secret (whsec_...) and that the raw body reaches this service byte for byte.`,
    );
  }
  return new ProviderRejection(
    'malformed_signature',
    `webhook-timestamp must be unix seconds and webhook-signature "v1,<base64>" (${err.message}).`,
  );
}

export function verifyStandardWebhook(
  rawBody: Buffer,
  headers: Headers,
  provider: StandardWebhooksProvider,
): VerifiedDelivery {
  const present = Object.fromEntries(REQUIRED.map((name) => [name, singleHeader(headers, name)]));
  const missing = REQUIRED.filter((name) => present[name] === undefined);
  if (missing.length > 0) {
    throw new ProviderRejection(
      'missing_signature',
      `Missing ${missing.join(', ')}: ${provider.name} is a Standard Webhooks sender, which signs every delivery with webhook-id, webhook-timestamp and webhook-signature.`,
    );
  }
  let mismatch: WebhookVerificationError | undefined;
  for (const secret of provider.secrets) {
    try {
      // jsonParse off: a body that fails to parse after the signature matched is ours to classify.
      new Webhook(secret).verify(rawBody, present as Record<string, string>, { jsonParse: false });
      const payload = parseSignedJson(rawBody, provider.name);
      return {
        id: present['webhook-id']!,
        type: requireIdentifier(payload, provider.eventTypePath, 'event type'),
        payload,
      };
    } catch (err) {
      if (!(err instanceof WebhookVerificationError)) throw err;
      // Only a signature mismatch depends on the secret: anything else fails the same with every one.
      if (!/no matching signature/i.test(err.message)) throw rejectionFor(err, provider.name);
      mismatch = err;
    }
  }
  throw rejectionFor(mismatch!, provider.name);
}

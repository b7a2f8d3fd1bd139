import type { ProviderConfig } from '../../common/provider-config';
import type { Headers, VerifiedDelivery } from './delivery';
import { verifyHmac } from './hmac';
import { verifyStandardWebhook } from './standard-webhooks';

export type { Headers, VerifiedDelivery } from './delivery';
export { ProviderRejection, PROVIDER_REJECTION_REASONS } from './rejection';

/** Throws ProviderRejection for a delivery to refuse; anything else it throws is a bug. */
export function verifyDelivery(
  rawBody: Buffer,
  headers: Headers,
  provider: ProviderConfig,
): VerifiedDelivery {
  return provider.verifier === 'standard-webhooks'
    ? verifyStandardWebhook(rawBody, headers, provider)
    : verifyHmac(rawBody, headers, provider);
}

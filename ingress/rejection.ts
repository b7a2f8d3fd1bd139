/** Why any verifier refuses a delivery: its signature, or a body that is not JSON. */
const SIGNATURE_AND_BODY_REASONS = [
  'missing_signature',
  'malformed_signature',
  'timestamp_outside_tolerance',
  'signature_mismatch',
  'invalid_json',
] as const;

export const REJECTION_REASONS = [...SIGNATURE_AND_BODY_REASONS, 'not_a_stripe_event'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** A provider's delivery (ingress/providers/) is refused for the same reasons, or for not being an event. */
export const PROVIDER_REJECTION_REASONS = [...SIGNATURE_AND_BODY_REASONS, 'not_an_event'] as const;
export type ProviderRejectionReason = (typeof PROVIDER_REJECTION_REASONS)[number];

/** A delivery we refuse with 400. Messages go back to the caller, so they teach and never echo the body. */
export abstract class Rejection<Reason extends string> extends Error {
  readonly status = 400;
  constructor(
    readonly reason: Reason,
    message: string,
  ) {
    super(message);
  }
}

/** A Stripe delivery refused (ingress/stripe-webhook.ts). */
export class WebhookRejection extends Rejection<RejectionReason> {
  override name = 'WebhookRejection';
}

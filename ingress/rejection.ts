export type RejectionReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'timestamp_outside_tolerance'
  | 'signature_mismatch'
  | 'invalid_json'
  | 'not_a_stripe_event';

export const REJECTION_REASONS: readonly RejectionReason[] = [
  'missing_signature',
  'malformed_signature',
  'timestamp_outside_tolerance',
  'signature_mismatch',
  'invalid_json',
  'not_a_stripe_event',
];

/** A delivery we refuse with 400. Messages go back to the caller, so they teach and never echo the body. */
export class WebhookRejection extends Error {
  override name = 'WebhookRejection';
  readonly status = 400;
  constructor(
    readonly reason: RejectionReason,
    message: string,
  ) {
    super(message);
  }
}

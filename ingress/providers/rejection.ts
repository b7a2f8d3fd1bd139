/** Why a provider's delivery is refused with 400: the error code, the metric label and a teaching message. */
export type ProviderRejectionReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'timestamp_outside_tolerance'
  | 'signature_mismatch'
  | 'invalid_json'
  | 'not_an_event';

export const PROVIDER_REJECTION_REASONS: readonly ProviderRejectionReason[] = [
  'missing_signature',
  'malformed_signature',
  'timestamp_outside_tolerance',
  'signature_mismatch',
  'invalid_json',
  'not_an_event',
];

/** Messages go back to the caller, so they never echo the body. */
export class ProviderRejection extends Error {
  override name = 'ProviderRejection';
  readonly status = 400;
  constructor(
    readonly reason: ProviderRejectionReason,
    message: string,
  ) {
    super(message);
  }
}

import { Rejection } from '../rejection';
import type { ProviderRejectionReason } from '../rejection';

export { PROVIDER_REJECTION_REASONS } from '../rejection';
export type { ProviderRejectionReason } from '../rejection';

/** Why a provider's delivery is refused with 400: the error code, the metric label and a teaching message. */
export class ProviderRejection extends Rejection<ProviderRejectionReason> {
  override name = 'ProviderRejection';
}

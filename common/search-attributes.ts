import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { SearchAttributePair } from '@temporalio/common';
import { eventIds } from './stripe-event';
import type { StripeEvent } from './stripe-event';

// Contract: these carry ids only, never personal data (they are indexed and shown in the Web UI).
export const StripeEventType = defineSearchAttributeKey('StripeEventType', SearchAttributeType.KEYWORD);
export const StripeObjectId = defineSearchAttributeKey('StripeObjectId', SearchAttributeType.KEYWORD);
export const StripeCustomerId = defineSearchAttributeKey('StripeCustomerId', SearchAttributeType.KEYWORD);
export const StripeAccount = defineSearchAttributeKey('StripeAccount', SearchAttributeType.KEYWORD);
export const StripeLivemode = defineSearchAttributeKey('StripeLivemode', SearchAttributeType.BOOL);
/** Set by the workflow when it ends: applied, stale, ignored or failed. */
export const StripeOutcome = defineSearchAttributeKey('StripeOutcome', SearchAttributeType.KEYWORD);

/** Name → type as `temporal server start-dev --search-attribute` and the operator API spell them. */
export const SEARCH_ATTRIBUTE_DEFINITIONS = {
  StripeEventType: 'Keyword',
  StripeObjectId: 'Keyword',
  StripeCustomerId: 'Keyword',
  StripeAccount: 'Keyword',
  StripeLivemode: 'Bool',
  StripeOutcome: 'Keyword',
} as const;

export function searchAttributesFor(event: StripeEvent): SearchAttributePair[] {
  const ids = eventIds(event);
  const pairs: SearchAttributePair[] = [
    { key: StripeEventType, value: event.type },
    { key: StripeAccount, value: ids.account },
    { key: StripeLivemode, value: event.livemode },
  ];
  // Absent rather than empty: `StripeCustomerId IS NULL` finds events that have no customer.
  if (ids.objectId) pairs.push({ key: StripeObjectId, value: ids.objectId });
  if (ids.customerId) pairs.push({ key: StripeCustomerId, value: ids.customerId });
  return pairs;
}

/**
 * The contract for events from senders other than Stripe (Standard Webhooks, generic HMAC): what
 * the ingress starts and the worker runs. Pure module: the workflow sandbox imports it too.
 */

export const PROCESS_PROVIDER_EVENT = 'processProviderEvent';

/** A verified delivery, as the workflow receives it. The payload stays in (encrypted) history only. */
export interface ProviderEvent {
  /** The provider's configured name, the path segment of `/webhooks/<name>`. */
  provider: string;
  /** The sender's event id: `webhook-id` (Standard Webhooks) or the configured JSON path (HMAC). */
  id: string;
  type: string;
  /** When the ingress accepted it, ISO 8601. */
  receivedAt: string;
  payload: unknown;
}

export interface ProviderResult {
  provider: string;
  eventId: string;
  eventType: string;
  /** recorded: the event is in `provider_events`, then handed to its subscribers. */
  outcome: 'recorded';
  /** The table already held the event (a reset, or a redelivery after the namespace retention). */
  alreadyRecorded: boolean;
  /** The subscribers the event was handed to; absent when none. */
  subscribers?: string[];
}

export type ProcessProviderEvent = (event: ProviderEvent) => Promise<ProviderResult>;

/** Workflow id `<provider>:<event id>`: providers' ids never collide with each other or with `evt_...`. */
export function providerWorkflowId(provider: string, eventId: string): string {
  return `${provider}:${eventId}`;
}

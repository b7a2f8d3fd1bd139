import { log, proxyActivities } from '@temporalio/workflow';
import type { ProviderActivities } from '../activities/provider-events';
import type { ProcessProviderEvent, ProviderResult } from '../common/provider-event';

/** As for Stripe events: no attempt limit, so a database outage shows as a pending activity. */
const { recordProviderEvent } = proxyActivities<ProviderActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * Workflow id `<provider>:<event id>`. There is no mirror for providers: the event is recorded in
 * `provider_events`, and the same activity hands it to its subscribers (deliverToSubscriber).
 */
export const processProviderEvent: ProcessProviderEvent = async (event): Promise<ProviderResult> => {
  const { alreadyRecorded, subscribers } = await recordProviderEvent(event);
  const result: ProviderResult = {
    provider: event.provider,
    eventId: event.id,
    eventType: event.type,
    outcome: 'recorded',
    alreadyRecorded,
    ...(subscribers && { subscribers }),
  };
  log.info('provider event recorded', { ...result });
  return result;
};

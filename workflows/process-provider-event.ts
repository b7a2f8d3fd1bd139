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
 * `provider_events`, and delivery to subscribers (issue 13, part 1) will follow that step here.
 */
export const processProviderEvent: ProcessProviderEvent = async (event): Promise<ProviderResult> => {
  const { alreadyRecorded } = await recordProviderEvent(event);
  const result: ProviderResult = {
    provider: event.provider,
    eventId: event.id,
    eventType: event.type,
    outcome: 'recorded',
    alreadyRecorded,
  };
  log.info('provider event recorded', { ...result });
  return result;
};

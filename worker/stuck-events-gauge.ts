import type { Client } from '@temporalio/client';
import type { MetricMeter } from '@temporalio/common';
import type { Logger } from '../common/logger';
import { measureStuckEvents } from './stuck-events';
import type { StuckEventsSnapshot } from './stuck-events';

export interface StuckEventsGaugeOptions {
  client: Client;
  taskQueue: string;
  thresholdSeconds: number;
  intervalSeconds: number;
  /** Subscriber names (SUBSCRIPTIONS_FILE), for `stripe_stuck_deliveries_by_subscriber`. */
  subscribers?: readonly string[];
  /** The worker runtime's meter: served with the SDK's metrics at WORKER_METRICS_ADDRESS. */
  meter: MetricMeter;
  logger: Logger;
}

export interface StuckEventsGauge {
  /** Stops the interval and waits for a measurement in flight. */
  stop(): Promise<void>;
}

/**
 * Publishes measureStuckEvents on an interval, in the worker's Prometheus endpoint:
 * `stripe_stuck_events{workflow_type}`, `stripe_stuck_events_by_handler{handler}`,
 * `stripe_oldest_stuck_event_age_seconds`, `stripe_stuck_deliveries_by_subscriber{subscriber}`, and `stripe_stuck_events_check_failures_total` when
 * visibility does not answer (the gauges then keep their last values).
 */
export function startStuckEventsGauge(options: StuckEventsGaugeOptions): StuckEventsGauge {
  const { meter, intervalSeconds, logger } = options;
  const stuck = meter.createGauge(
    'stripe_stuck_events',
    'int',
    '',
    'Event workflows running longer than STUCK_EVENT_THRESHOLD_SECONDS, by workflow type',
  );
  const byHandler = meter.createGauge(
    'stripe_stuck_events_by_handler',
    'int',
    '',
    'Stuck Stripe events by the handler that applies their type ("none": no handler)',
  );
  const oldest = meter.createGauge(
    'stripe_oldest_stuck_event_age_seconds',
    'int',
    '',
    'Seconds since the oldest stuck event workflow started; 0 when none is stuck',
  );
  const bySubscriber = meter.createGauge(
    'stripe_stuck_deliveries_by_subscriber',
    'int',
    '',
    'Deliveries to a subscriber (deliverToSubscriber) running longer than STUCK_EVENT_THRESHOLD_SECONDS',
  );
  const failures = meter.createCounter(
    'stripe_stuck_events_check_failures',
    '',
    'Stuck-event measurements that failed (visibility unavailable)',
  );
  // Present at 0 from the start, so an alert on it has a series before the first failure.
  failures.add(0);

  function publish(snapshot: StuckEventsSnapshot): void {
    for (const [workflowType, count] of Object.entries(snapshot.byWorkflowType))
      stuck.set(count, { workflow_type: workflowType });
    for (const [handler, count] of Object.entries(snapshot.byHandler)) byHandler.set(count, { handler });
    oldest.set(snapshot.oldestAgeSeconds);
    for (const [subscriber, count] of Object.entries(snapshot.bySubscriber))
      bySubscriber.set(count, { subscriber });
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const tick = () => {
    inFlight = measureStuckEvents(options.client, options)
      .then(publish)
      .catch((err: unknown) => {
        failures.add(1);
        logger.warn({ err }, 'could not count stuck events; the gauges keep their last values');
      })
      .finally(() => {
        // unref: the measurement never keeps a stopping worker alive.
        if (!stopped) timer = setTimeout(tick, intervalSeconds * 1000).unref();
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}

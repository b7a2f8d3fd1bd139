import type { LogLevel } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger } from '../common/logger';
import { temporalLoggerFor } from '../common/temporal-logger';

export interface WorkerRuntimeOptions {
  logger: Logger;
  /** host:port for a Prometheus scrape endpoint; none when absent. */
  metricsAddress?: string | undefined;
  minLogLevel?: LogLevel;
}

/**
 * Once per process, before the first connection: the SDK's logs go through pino, and its metrics
 * (task latencies, slots, polls) plus ours (activities' `Context.metricMeter`, e.g.
 * `stripe_event_api_version_mismatch`) are served for Prometheus at `metricsAddress` `/metrics`.
 */
export function installWorkerRuntime({ logger, metricsAddress, minLogLevel }: WorkerRuntimeOptions): Runtime {
  return Runtime.install({
    logger: temporalLoggerFor(logger, minLogLevel),
    ...(metricsAddress && {
      telemetryOptions: {
        metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true } },
      },
    }),
  });
}

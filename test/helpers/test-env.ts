import { randomBytes } from 'node:crypto';
import { loadTemporalConfig } from '../../common/temporal-config';
import type { TemporalConfig } from '../../common/temporal-config';

/**
 * What every Temporal test needs from test/run.ts, without loading the worker's native runtime
 * (helpers/temporal.ts installs it): test processes that only drive real worker processes never
 * use it, and one such process hung at exit inside the runtime's cleanup.
 */

/** The dev server test/run.ts started for this run. */
export function testTemporalAddress(): string {
  const address = process.env.TEST_TEMPORAL_ADDRESS;
  if (!address) {
    throw new Error('TEST_TEMPORAL_ADDRESS is not set: run this tier through `npm test` (test/run.ts)');
  }
  return address;
}

export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * The tests' Temporal configuration, read by the production loader from the same environment the
 * services get (test/run.ts sets it), pointed at `address` (the run's dev server by default).
 */
export function testTemporalConfig(overrides: Partial<TemporalConfig> = {}): TemporalConfig {
  const config = loadTemporalConfig({
    ...process.env,
    TEMPORAL_ADDRESS: overrides.address ?? testTemporalAddress(),
  });
  return { ...config, namespace: 'default', ...overrides };
}

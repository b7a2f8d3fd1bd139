import { randomBytes } from 'node:crypto';
import { loadTemporalConfig } from '../../common/temporal-config';
import type { TemporalConfig } from '../../common/temporal-config';

/**
 * What every Temporal test needs from test/run.ts, without loading the worker's native runtime
 * (helpers/temporal.ts installs it): test processes that only drive real worker processes never
 * use it, and one such process hung at exit inside the runtime's cleanup.
 */

/** The Temporal server test/run.ts started for this tier: the dev server, or the cluster. */
export function testTemporalAddress(): string {
  const address = process.env.TEST_TEMPORAL_ADDRESS;
  if (!address) {
    throw new Error('TEST_TEMPORAL_ADDRESS is not set: run this tier through `npm test` (test/run.ts)');
  }
  return address;
}

/** `default` on the dev server; the cluster tier names its own (TEST_TEMPORAL_NAMESPACE). */
export function testTemporalNamespace(): string {
  return process.env.TEST_TEMPORAL_NAMESPACE || 'default';
}

/** The variables, beyond the address, with which a process reaches Temporal (the CLI's own names). */
export function isTemporalConnectionVariable(name: string): boolean {
  return /^TEMPORAL_(ADDRESS|NAMESPACE|API_KEY|TLS(_.*)?|PROFILE|CONFIG_FILE|GRPC_META_.*)$/.test(name);
}

/**
 * How this tier's processes reach its server, beyond the address: TEMPORAL_NAMESPACE and, on the
 * cluster tier, the TEMPORAL_TLS_* variables of its client certificate (test/run.ts sets them).
 * Child processes (the worker and ingress of the fault tests, the CLIs) get exactly these.
 */
export function testTemporalEnv(): Record<string, string> {
  const env: Record<string, string> = { TEMPORAL_NAMESPACE: testTemporalNamespace() };
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && /^TEMPORAL_TLS/.test(name)) env[name] = value;
  }
  return env;
}

export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * The tests' Temporal configuration, read by the production loader from the same environment the
 * services get (test/run.ts sets it: the payload key, and on the cluster tier the client
 * certificate), pointed at `address` (the tier's server by default).
 */
export function testTemporalConfig(overrides: Partial<TemporalConfig> = {}): TemporalConfig {
  const config = loadTemporalConfig({
    ...process.env,
    TEMPORAL_ADDRESS: overrides.address ?? testTemporalAddress(),
  });
  return { ...config, namespace: testTemporalNamespace(), ...overrides };
}

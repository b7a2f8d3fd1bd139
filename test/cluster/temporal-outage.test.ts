/**
 * The cluster's temporal-server SIGKILLed under load (all four services in the one process) and
 * started again on the same Postgres databases: the faults tier's scenario (outage-scenario.ts),
 * with the worker and ingress as real child processes given the cluster's TEMPORAL_TLS_* variables.
 * 150 events and 3 s down in `npm test`; 1,000 events and 15 s with CLUSTER_FULL=1.
 */
import { describe, it } from 'node:test';
import { cleanupAfter, describeOutcome, startFaultStack } from '../faults/harness';
import { killTemporalUnderLoad } from '../faults/outage-scenario';
import { clusterControl, clusterSize } from '../helpers/cluster-tier';

describe('the cluster killed under load', () => {
  const cleanup = cleanupAfter();

  it('SIGKILLs temporal-server mid-run and starts it again on the same databases', async (t) => {
    const control = clusterControl();
    const stack = await startFaultStack(cleanup, {
      name: 'cluster-outage',
      events: clusterSize(150, 1000),
      ingress: { startTimeoutMs: 1000 },
    });
    const { outcome, figures } = await killTemporalUnderLoad(
      stack,
      {
        kill: async () => void (await control.kill()),
        start: async () => void (await control.start()),
      },
      clusterSize(3_000, 15_000),
    );
    t.diagnostic(describeOutcome(outcome, figures));
  });
});

/** The benchmark report's shapes, apart from the rendering so the renderers can share them. */
import type { TemporalActions } from './actions';
import type { BurstResult } from './burst';
import type { CodecCost } from './codec-cost';
import type { DesignName } from './designs';
import type { DuplicateResult, PhaseResult } from './phases';
import type { PostgresActivity } from './postgres-stats';
import type { RedisCommands } from './redis-commands';
import type { ClusterTimeReport } from './temporal-metrics';

export interface DesignResult {
  name: DesignName;
  fixed: PhaseResult;
  duplicates: DuplicateResult;
  steps: PhaseResult[];
  /** The highest sustained step (or the fixed rate), undefined when even that was not sustained. */
  knee: PhaseResult | undefined;
  loss: { acknowledged: number; missing: number; ledgerRows: number };
  loadAverage: { before: string; after: string };
  /** The cluster during the fixed phase, from Temporal's metrics and Postgres's statistics. */
  inside?: { temporal: ClusterTimeReport; postgres: PostgresActivity };
  /** The webhook flood (BENCH_BURST_DESIGNS). */
  burst?: BurstResult;
  /** Temporal Cloud Actions per event, from the fixed phase's histories (temporal designs). */
  actions?: TemporalActions;
  /** Redis commands per event over the fixed phase (queue design). */
  redis?: RedisCommands;
}

export interface BenchReport {
  startedAt: string;
  command: string;
  machine: { cores: number; node: string; postgres: string; temporalCli: string };
  config: Record<string, unknown>;
  designs: Partial<Record<DesignName, DesignResult>>;
  targets: Target[];
  codec?: CodecCost;
  /** temporal-server's CPU with no events (ms per second), part of every figure per event. */
  clusterIdleCpuMsPerSecond?: number;
}

export interface Target {
  name: string;
  limit: string;
  /** On the dev server, the combined process (the `temporal` design). */
  value: number | undefined;
  met: boolean | undefined;
  /** On the dev server, separate ingress and worker (`temporal-split`). */
  splitValue?: number | undefined;
  splitMet?: boolean | undefined;
  /** On the cluster (`temporal-cluster`). */
  clusterValue?: number | undefined;
  clusterMet?: boolean | undefined;
}

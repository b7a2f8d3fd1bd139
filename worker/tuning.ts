import type { WorkerOptions } from '@temporalio/worker';

/**
 * Worker throughput settings, kept apart from the wiring in create-worker.ts so the benchmark's
 * findings (bench/) land in one place. Empty means the SDK's defaults.
 */
export const workerTuning: Partial<WorkerOptions> = {};

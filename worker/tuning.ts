import type { WorkerOptions } from '@temporalio/worker';

/**
 * Worker throughput settings, kept apart from the wiring in create-worker.ts so the benchmark's
 * findings (bench/) land in one place. Empty means the SDK's defaults.
 *
 * The defaults stay because nothing measured beat them (`npm run bench`, 2 cores, co-located dev
 * server; try others with BENCH_WORKER_TUNING, see bench/README.md): 2 or 20 workflow and
 * activity pollers instead of 10 changed neither throughput nor CPU per event, since the dev
 * server, not the worker, is the bottleneck; `maxCachedWorkflows: 0` made workflow tasks time out
 * and replay. The Postgres pool (10) is not the limit either: activities finish in a few ms.
 */
export const workerTuning: Partial<WorkerOptions> = {};

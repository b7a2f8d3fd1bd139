/**
 * CPU per event by role, however a design splits its work: the combined process, or an ingress and a
 * worker, or one server; and the broker it relies on (dev server, temporal-server, Redis).
 */
import type { PhaseResult } from './phases';
import type { DesignResult } from './report-types';

export const cpu = (d: DesignResult, role: string): number | undefined => d.fixed.cpuMsPerEvent[role];

export const totalCpu = (phase: PhaseResult): number =>
  Object.values(phase.cpuMsPerEvent).reduce((a, b) => a + b, 0);

/** The design's own processes: the combined process, or ingress + worker (inline's one server is its ingress). */
export function appCpu(d: DesignResult): number | undefined {
  const combined = cpu(d, 'combined');
  if (combined !== undefined) return combined;
  const [ingress, worker] = [cpu(d, 'ingress'), cpu(d, 'worker')];
  return ingress === undefined && worker === undefined ? undefined : (ingress ?? 0) + (worker ?? 0);
}

export const brokerCpu = (d: DesignResult): number | undefined =>
  cpu(d, 'devServer') ?? cpu(d, 'temporalServer') ?? cpu(d, 'redis');

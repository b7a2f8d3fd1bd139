/**
 * What the kernel says about a process: CPU time (utime + stime of all its threads, from
 * /proc/<pid>/stat) and resident memory (VmRSS). Linux only, like the benchmark's figures.
 */
import { readdirSync, readFileSync } from 'node:fs';

// USER_HZ: 100 on every Linux the project targets (getconf CLK_TCK).
const TICKS_PER_SECOND = 100;

/** CPU milliseconds the process has used so far, user and kernel. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** Resident set size in MiB, or NaN when the process is gone. */
export function rssMiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The pids whose command line (arguments joined by spaces) satisfies `matches`. */
export function findPids(matches: (commandLine: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (matches(commandLine)) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** The Temporal dev server listening on `port`: the `temporal server start-dev` process. */
export function devServerPid(port: number): number | undefined {
  return findPids((line) => line.includes(' start-dev ') && line.includes(` --port ${port} `))[0];
}

/** The local Redis server, the queue design's broker (shared, so its figures are indicative). */
export function redisPid(): number | undefined {
  return findPids((line) => line.startsWith('redis-server') || line.includes('/redis-server '))[0];
}

/** The 1-, 5- and 15-minute load averages: the machine is shared, so every run records them. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

export interface RssSummary {
  start: number;
  /** The sample halfway through: caches (the worker's workflow cache) fill before it. */
  mid: number;
  median: number;
  peak: number;
  end: number;
}

/** Samples the RSS of named processes at a fixed interval. */
export class RssSampler {
  private readonly samples = new Map<string, number[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: Record<string, number>) {
    for (const name of Object.keys(pids)) this.samples.set(name, []);
  }

  start(intervalMs: number): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): Record<string, RssSummary> {
    clearInterval(this.timer);
    this.sample();
    const summaries: Record<string, RssSummary> = {};
    for (const [name, values] of this.samples) {
      const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
      summaries[name] = {
        start: values[0] ?? NaN,
        mid: values[Math.floor(values.length / 2)] ?? NaN,
        median: sorted[Math.floor(sorted.length / 2)] ?? NaN,
        peak: sorted.at(-1) ?? NaN,
        end: values.at(-1) ?? NaN,
      };
    }
    return summaries;
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.pids)) this.samples.get(name)?.push(rssMiB(pid));
  }
}

/** CPU milliseconds used by each named process between construction and `perEvent`. */
export class CpuMeter {
  private readonly before: Record<string, number> = {};

  constructor(private readonly pids: Record<string, number>) {
    for (const [name, pid] of Object.entries(pids)) this.before[name] = cpuMs(pid);
  }

  perEvent(events: number): Record<string, number> {
    const result: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      result[name] = (cpuMs(pid) - (this.before[name] ?? 0)) / events;
    }
    return result;
  }
}

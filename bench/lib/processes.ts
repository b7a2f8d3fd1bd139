import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { stopChild } from '../../dev/stop-child';

export interface NodeProcess {
  pid: number;
  name: string;
  /** SIGTERM (the graceful path production uses), SIGKILL after 10 s. */
  stop(): Promise<void>;
  exited(): string | undefined;
}

/**
 * Runs `node <file>` as its own process with `env` on top of ours. Its output goes straight to
 * `logFile` through the file descriptor, so writing logs costs the child, never the load generator.
 */
export function startNodeProcess(
  name: string,
  file: string,
  env: Record<string, string>,
  logFile: string,
): NodeProcess {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'a');
  // BENCH_NODE_ARGS: flags for every child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/profiles`.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = `${name} exited (code ${code}, signal ${signal})`));
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  return {
    pid: child.pid,
    name,
    exited: () => exit,
    stop: () => stopChild(child),
  };
}

/** Polls `url` until it answers `status`; fails early if `process` exits. */
export async function waitForHttp(
  url: string,
  processes: NodeProcess[],
  { status = 200, timeoutMs = 60_000 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    for (const child of processes) {
      const exit = child.exited();
      if (exit) throw new Error(`${exit} before ${url} was ready; see its log`);
    }
    try {
      const response = await fetch(url);
      if (response.status === status) return;
      last = `status ${response.status}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

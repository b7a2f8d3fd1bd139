import type { ChildProcess } from 'node:child_process';

/**
 * SIGTERM (the graceful path production uses), then SIGKILL once `graceMs` has passed. Resolves
 * when the process has exited; at once when it already had.
 */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(killTimer);
}

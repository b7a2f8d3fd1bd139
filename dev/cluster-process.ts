/**
 * The cluster's processes: spawned with their output in a log file (not piped through Node, so a
 * busy or exiting test process cannot stall them), and waited on until they answer.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConnectionLike, TLSConfig } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE } from '../common/event-workflow';
import { connectClient } from '../common/temporal-connection';

export interface ClusterTls {
  caPath: string;
  certPath: string;
  keyPath: string;
  /** The name the server certificate is issued for (clients dial 127.0.0.1 and verify this). */
  serverName: string;
}

/** The `tls` option of Connection.connect and NativeConnection.connect for the cluster. */
export function clusterTlsConfig(tls: ClusterTls): TLSConfig {
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: readFileSync(tls.caPath),
    clientCertPair: { crt: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) },
  };
}

export interface Spawned {
  child: ChildProcess;
  /** Why it exited, once it has (undefined while it runs). */
  exitReason(): string | undefined;
}

export function spawnLogged(binary: string, args: string[], cwd: string, logFile: string): Spawned {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  // cwd is the cluster folder: relative paths the programs resolve against it stay inside it.
  const child = spawn(binary, args, { cwd, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let reason: string | undefined;
  child.once('exit', (code, signal) => (reason = `exit code ${code}, signal ${signal}`));
  child.once('error', (err) => (reason = `could not start ${binary}: ${err.message}`));
  return { child, exitReason: () => reason };
}

/**
 * The last lines of a log, for an error message: the server says there why it stopped. Its JSON
 * lines are cut to level, message and error (their stack traces would bury the reason).
 */
export function logTail(logFile: string, lines = 8): string {
  if (!existsSync(logFile)) return '(no log)';
  return readFileSync(logFile, 'utf8')
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((line) => {
      try {
        const entry = JSON.parse(line) as { level?: string; msg?: string; error?: string };
        return `${entry.level} ${entry.msg}${entry.error ? `: ${entry.error}` : ''}`;
      } catch {
        return line.slice(0, 500);
      }
    })
    .join('\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Until the frontend answers getSystemInfo over mTLS; the connection is handed back open. */
export async function waitForFrontend(
  address: string,
  tls: ClusterTls,
  process: Spawned,
  logFile: string,
  timeoutMs: number,
): Promise<ConnectionLike> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const exit = process.exitReason();
    if (exit) {
      throw new Error(
        `temporal-server exited before it was ready (${exit}). Last lines of ${logFile}:\n${logTail(logFile)}`,
      );
    }
    try {
      // Plaintext payloads: this connection only registers the namespace, it carries no events.
      const config = {
        address,
        namespace: 'temporal-system',
        taskQueue: DEFAULT_TASK_QUEUE,
        tls: clusterTlsConfig(tls),
      };
      const { connection } = await connectClient(config, { connectTimeoutMs: 2000 });
      try {
        await connection.withDeadline(Date.now() + 2000, () => connection.workflowService.getSystemInfo({}));
        return connection;
      } catch (err) {
        await connection.close();
        throw err;
      }
    } catch (err) {
      lastError = err;
      await sleep(500);
    }
  }
  throw new Error(
    `temporal-server at ${address} did not answer over mTLS within ${timeoutMs} ms ` +
      `(last error: ${String(lastError)}); see ${logFile}`,
  );
}

/** Until the UI server serves its page. */
export async function waitForHttp(
  url: string,
  process: Spawned,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const exit = process.exitReason();
    if (exit)
      throw new Error(`the UI server exited (${exit}). Last lines of ${logFile}:\n${logTail(logFile)}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the UI server at ${url} did not answer within ${timeoutMs} ms; see ${logFile}`);
}

import type { CertificatePaths } from './cluster-certificates';
import type { ClusterDatabases } from './cluster-database';
import type { ClusterTls } from './cluster-process';

export type { ClusterDatabases, ClusterTls };

export interface ClusterOptions {
  /** The cluster's folder (certs, config, logs); created when absent, reused when present. */
  dir: string;
  /** A Postgres server where this user may create databases. Default postgres://postgres@127.0.0.1:5432. */
  postgresUrl?: string;
  /** Prepended to `temporal` and `temporal_visibility`, so tests can run private clusters. */
  databasePrefix?: string;
  /** Registered with the search attributes and 30-day retention. Default `default`. */
  namespace?: string;
  /** Fixed when the databases are first set up; the server refuses another count later. Default 4. */
  historyShards?: number;
  /** Start the Web UI server (built when missing; skipped with a warning if that fails). Default true. */
  ui?: boolean;
  /** Dynamic config keys → values, over the defaults below. */
  dynamicConfig?: Record<string, unknown>;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface Cluster {
  /** The frontend, 127.0.0.1:PORT; verify its certificate against `tls.serverName`. */
  address: string;
  namespace: string;
  uiUrl: string | undefined;
  /** Why there is no UI, when there is none although one was asked for. */
  uiError: string | undefined;
  metricsUrl: string;
  tls: ClusterTls;
  /** Every PEM file, the CA's key too: a test issues expired or wrong-name certificates with it. */
  certificates: CertificatePaths;
  /** TEMPORAL_* variables the Temporal CLI and @temporalio/envconfig read to connect with mTLS. */
  env: Record<string, string>;
  databases: ClusterDatabases;
  logFile: string;
  /** The server process's, for a fault test; a new one after start(). */
  readonly pid: number | undefined;
  /** Milliseconds: finding or building binaries, databases and schemas, server ready, namespace. */
  timings: Record<'binaries' | 'databases' | 'server' | 'namespace' | 'total', number>;
  /** How the server exited (exit code, signal); undefined while it runs. */
  exitReason(): string | undefined;
  /** Signals the server (SIGKILL unless told) and waits for it to exit; the UI server keeps running. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same config and databases, and waits until it answers. */
  start(): Promise<void>;
  /** SIGTERM, then SIGKILL; `dropDatabases` also removes both databases. */
  stop(options?: { dropDatabases?: boolean }): Promise<void>;
}

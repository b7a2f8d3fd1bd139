/**
 * A real Temporal cluster on the local Postgres, with mTLS: temporal-server v1.29.1 (all four
 * services in one process), Postgres persistence and visibility, certificates from a throwaway CA,
 * the namespace registered with the contract's search attributes and 30-day retention, and the
 * Web UI server when it could be built. What production runs, where the dev server is SQLite
 * without TLS.
 *
 * The folder holds everything but the databases (certs/, config/, ui/, logs/, state.json) and is
 * reused: certificates while valid, ports while free, schemas always (update-schema is idempotent).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureCertificates, SERVER_NAME } from './cluster-certificates';
import { CONFIG_ENV, writeServerConfig, writeUiConfig } from './cluster-config';
import {
  databaseNames,
  DEFAULT_POSTGRES_URL,
  dropDatabases,
  postgresTarget,
  prepareDatabases,
} from './cluster-database';
import { choosePorts } from './cluster-ports';
import type { ClusterPorts } from './cluster-ports';
import { spawnLogged, waitForFrontend, waitForHttp } from './cluster-process';
import type { Spawned } from './cluster-process';
import type { Cluster, ClusterOptions, ClusterTls } from './cluster-types';
import { configureNamespace, registerNamespace, waitForNamespace } from './namespace';
import { stopChild } from './stop-child';
import { findOrBuildClusterBinaries } from './temporal-server';

export { clusterTlsConfig } from './cluster-process';
export type { Cluster, ClusterOptions, ClusterTls } from './cluster-types';

/** Eager activities, as the dev server here runs them (dev/dev-server.ts); the server's SQL sample's ID limit. */
export const DEFAULT_DYNAMIC_CONFIG: Record<string, unknown> = {
  'system.enableActivityEagerExecution': true,
  'limit.maxIDLength': 255,
};

/** Fixed when the databases are made; docker-compose.yml's NUM_HISTORY_SHARDS is the same. */
export const DEFAULT_HISTORY_SHARDS = 4;

interface State {
  ports: ClusterPorts;
  historyShards: number;
}

function readState(file: string): Partial<State> {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<State>) : {};
}

/** TEMPORAL_* as the Temporal CLI and @temporalio/envconfig read them. */
function clientEnv(address: string, namespace: string, tls: ClusterTls): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TLS: 'true',
    TEMPORAL_TLS_CLIENT_CERT_PATH: tls.certPath,
    TEMPORAL_TLS_CLIENT_KEY_PATH: tls.keyPath,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: tls.caPath,
    TEMPORAL_TLS_SERVER_NAME: tls.serverName,
  };
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const log = options.log ?? console.error;
  const started = Date.now();
  const dir = path.resolve(options.dir);
  const namespace = options.namespace ?? 'default';
  const historyShards = options.historyShards ?? DEFAULT_HISTORY_SHARDS;
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const target = postgresTarget(options.postgresUrl ?? DEFAULT_POSTGRES_URL);
  const databases = databaseNames(options.databasePrefix ?? '');
  const stateFile = path.join(dir, 'state.json');
  mkdirSync(dir, { recursive: true });
  const previous = readState(stateFile);

  const binaries = findOrBuildClusterBinaries({ ui: options.ui !== false, log });
  const binariesMs = Date.now() - started;
  const certs = await ensureCertificates(path.join(dir, 'certs'));
  const ports = await choosePorts(previous.ports);
  const dynamicConfig = { ...DEFAULT_DYNAMIC_CONFIG, ...options.dynamicConfig };
  writeServerConfig({ dir, ports, certs, postgres: target, databases, historyShards, dynamicConfig });
  const databasesStarted = Date.now();
  const { created } = await prepareDatabases(binaries.sqlTool.path, target, databases);
  if (
    !created.includes(databases.main) &&
    previous.historyShards &&
    previous.historyShards !== historyShards
  ) {
    throw new Error(
      `historyShards ${historyShards}: database ${databases.main} was set up with ${previous.historyShards}, ` +
        'and the server refuses another count. Pass the same, or stop with { dropDatabases: true } first.',
    );
  }
  writeFileSync(stateFile, JSON.stringify({ ports, historyShards } satisfies State, null, 2));
  const databasesMs = Date.now() - databasesStarted;

  const address = `127.0.0.1:${ports.frontend}`;
  const tls: ClusterTls = {
    caPath: certs.ca,
    certPath: certs.client,
    keyPath: certs.clientKey,
    serverName: SERVER_NAME,
  };
  const logFile = path.join(dir, 'logs', 'server.log');
  const serverArgs = ['--root', dir, '--config', 'config', '--env', CONFIG_ENV, '--allow-no-auth', 'start'];
  let server: Spawned | undefined;
  let ui: Spawned | undefined;
  // A test that dies mid-way must not leave a server holding ports and Postgres connections.
  const killOnExit = () => [server, ui].forEach((spawned) => spawned?.child.kill('SIGKILL'));
  process.once('exit', killOnExit);
  const startServer = () => {
    server = spawnLogged(binaries.server.path, serverArgs, dir, logFile);
    return waitForFrontend(address, tls, server, logFile, readyTimeoutMs);
  };
  const stopAll = async () => {
    process.removeListener('exit', killOnExit);
    await Promise.all([ui && stopChild(ui.child), server && stopChild(server.child)]);
  };

  try {
    const connection = await startServer();
    const serverMs = Date.now() - started - binariesMs - databasesMs;
    try {
      if ((await registerNamespace(connection, namespace)) === 'registered')
        log(`namespace ${namespace} registered`);
      await configureNamespace(connection, namespace);
      await waitForNamespace(connection, namespace, readyTimeoutMs);
    } finally {
      await connection.close();
    }
    const namespaceMs = Date.now() - started - binariesMs - databasesMs - serverMs;

    let uiUrl: string | undefined;
    if (binaries.uiServer) {
      const uiRoot = writeUiConfig(dir, ports, certs, namespace);
      const uiLog = path.join(dir, 'logs', 'ui.log');
      const uiArgs = ['--root', uiRoot, '--config', 'config', '--env', CONFIG_ENV, 'start'];
      ui = spawnLogged(binaries.uiServer.path, uiArgs, dir, uiLog);
      await waitForHttp(`http://127.0.0.1:${ports.ui}/`, ui, uiLog, 30_000);
      uiUrl = `http://localhost:${ports.ui}`;
    }

    return {
      address,
      namespace,
      uiUrl,
      uiError: binaries.uiError,
      metricsUrl: `http://127.0.0.1:${ports.metrics}/metrics`,
      tls,
      certificates: certs,
      env: clientEnv(address, namespace, tls),
      databases,
      logFile,
      get pid() {
        return server?.child.pid;
      },
      timings: {
        binaries: binariesMs,
        databases: databasesMs,
        server: serverMs,
        namespace: namespaceMs,
        total: Date.now() - started,
      },
      exitReason: () => server?.exitReason(),
      async kill(signal = 'SIGKILL') {
        const child = server?.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill(signal);
        await exited;
      },
      async start() {
        if (server?.exitReason() === undefined)
          throw new Error("the cluster's server is still running: kill() it first");
        await (await startServer()).close();
      },
      async stop(stopOptions = {}) {
        await stopAll();
        if (stopOptions.dropDatabases) await dropDatabases(target, databases);
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

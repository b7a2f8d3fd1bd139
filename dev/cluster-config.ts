/**
 * The configuration files of a local cluster, derived from the server's own
 * config/development-postgres12.yaml (v1.29.1): Postgres for persistence and for visibility, every
 * service in one process on 127.0.0.1, plus mTLS on the frontend and between services.
 *
 * Written as JSON, which is YAML too, so no YAML library is needed. Every path in them is absolute:
 * the server resolves dynamicConfigClient.filepath against its working directory, not --root.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CertificatePaths } from './cluster-certificates';
import { SERVER_NAME } from './cluster-certificates';
import type { ClusterPorts } from './cluster-ports';

/** `--env` of the server and the UI server: config/<ENV>.yaml. */
export const CONFIG_ENV = 'cluster';

export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Where databases are created from and dropped from: the URL's own database, or `postgres`. */
  adminDatabase: string;
}

export interface ServerConfigInput {
  /** The cluster folder; config/ and ui/config/ are written inside. */
  dir: string;
  ports: ClusterPorts;
  certs: CertificatePaths;
  postgres: PostgresTarget;
  databases: { main: string; visibility: string };
  historyShards: number;
  dynamicConfig: Record<string, unknown>;
}

function datastore(postgres: PostgresTarget, databaseName: string, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${postgres.host}:${postgres.port}`,
      connectProtocol: 'tcp',
      user: postgres.user,
      password: postgres.password,
      // Each of the four services opens its own pool: 4 × (10 + 4) connections at most, on a
      // Postgres that allows 100 by default and is shared with the application's databases.
      maxConns,
      maxIdleConns: 2,
      maxConnLifetime: '1h',
    },
  };
}

function service(grpcPort: number, membershipPort: number, httpPort?: number) {
  return { rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...(httpPort ? { httpPort } : {}) } };
}

function tls(certs: CertificatePaths) {
  const client = { serverName: SERVER_NAME, rootCaFiles: [certs.ca] };
  const mutual = { requireClientAuth: true, clientCaFiles: [certs.ca] };
  return {
    internode: {
      server: { certFile: certs.internode, keyFile: certs.internodeKey, ...mutual },
      client,
    },
    frontend: {
      server: { certFile: certs.server, keyFile: certs.serverKey, ...mutual },
      client,
    },
    // The worker service's SDK client dials the frontend like any client: with a client certificate.
    systemWorker: { certFile: certs.client, keyFile: certs.clientKey, client },
  };
}

/** Writes config/cluster.yaml and config/dynamicconfig/cluster.yaml; returns the dynamic config path. */
export function writeServerConfig(input: ServerConfigInput): string {
  const { dir, ports, postgres } = input;
  const configDir = path.join(dir, 'config');
  const dynamicConfigPath = path.join(configDir, 'dynamicconfig', `${CONFIG_ENV}.yaml`);
  mkdirSync(path.dirname(dynamicConfigPath), { recursive: true });
  const config = {
    log: { stdout: true, level: 'info' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: input.historyShards,
      datastores: {
        'postgres-default': datastore(postgres, input.databases.main, 10),
        'postgres-visibility': datastore(postgres, input.databases.visibility, 4),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: {
        prometheus: {
          framework: 'tally',
          timerType: 'histogram',
          listenAddress: `127.0.0.1:${ports.metrics}`,
        },
      },
      tls: tls(input.certs),
    },
    services: {
      frontend: service(ports.frontend, ports.frontendMembership, ports.frontendHttp),
      history: service(ports.history, ports.historyMembership),
      matching: service(ports.matching, ports.matchingMembership),
      worker: service(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `localhost:${ports.frontend}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: dynamicConfigPath, pollInterval: '10s' },
  };
  writeFileSync(path.join(configDir, `${CONFIG_ENV}.yaml`), JSON.stringify(config, null, 2));
  // Dynamic config values are lists of { value, constraints }; constraint-free here.
  const dynamic = Object.fromEntries(
    Object.entries(input.dynamicConfig).map(([key, value]) => [key, [{ value, constraints: {} }]]),
  );
  writeFileSync(dynamicConfigPath, JSON.stringify(dynamic, null, 2));
  return dynamicConfigPath;
}

/** Writes ui/config/cluster.yaml: the Web UI server, reaching the frontend with the client certificate. */
export function writeUiConfig(
  dir: string,
  ports: ClusterPorts,
  certs: CertificatePaths,
  namespace: string,
): string {
  const root = path.join(dir, 'ui');
  mkdirSync(path.join(root, 'config'), { recursive: true });
  const config = {
    temporalGrpcAddress: `127.0.0.1:${ports.frontend}`,
    host: '127.0.0.1',
    port: ports.ui,
    enableUi: true,
    defaultNamespace: namespace,
    // Served over plain http on localhost: a Secure CSRF cookie would never come back.
    cors: { cookieInsecure: true },
    hideLogs: true,
    tls: {
      caFile: certs.ca,
      certFile: certs.client,
      keyFile: certs.clientKey,
      serverName: SERVER_NAME,
      enableHostVerification: true,
    },
  };
  writeFileSync(path.join(root, 'config', `${CONFIG_ENV}.yaml`), JSON.stringify(config, null, 2));
  return root;
}

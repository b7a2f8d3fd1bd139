/**
 * The ports one cluster listens on. Every service has its own gRPC and membership port, so all of
 * them are picked at once (each held open until the last is chosen, so none is handed out twice).
 *
 * Below 32768: the server stores each membership port in cluster_membership.rpc_port, a SMALLINT,
 * and dies at start on a larger one (`value "45211" is out of range for type smallint`). That rules
 * out the kernel's ephemeral range (32768-60999), which is also where outgoing connections take
 * their ports, so a port chosen here stays free for a restart.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { isPortFree } from './dev-server';

export const PORT_NAMES = [
  'frontend',
  'frontendHttp',
  'frontendMembership',
  'history',
  'historyMembership',
  'matching',
  'matchingMembership',
  'worker',
  'workerMembership',
  'metrics',
  'ui',
] as const;

export type ClusterPorts = Record<(typeof PORT_NAMES)[number], number>;

const LOWEST = 20_000;
const HIGHEST = 32_767;

function listen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function holdFreePort(): Promise<Server> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1));
    const server = await listen(port);
    if (server) return server;
  }
  throw new Error(`no free port between ${LOWEST} and ${HIGHEST} on 127.0.0.1 after 200 tries`);
}

/**
 * The previous ports when they are all still free (a restarted cluster keeps its address, and its
 * membership rows in Postgres stay right), fresh ones otherwise.
 */
export async function choosePorts(previous?: Partial<ClusterPorts>): Promise<ClusterPorts> {
  if (previous && PORT_NAMES.every((name) => (previous[name] ?? Infinity) <= HIGHEST)) {
    const free = await Promise.all(PORT_NAMES.map((name) => isPortFree(previous[name]!)));
    if (free.every(Boolean)) return previous as ClusterPorts;
  }
  const servers: Server[] = [];
  while (servers.length < PORT_NAMES.length) servers.push(await holdFreePort());
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return Object.fromEntries(PORT_NAMES.map((name, i) => [name, ports[i]!])) as ClusterPorts;
}

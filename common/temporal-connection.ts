/**
 * The one place that builds Temporal connections and clients: the ingress, the worker, the ops CLI,
 * the reconcile schedule, `npm start`, the benchmark and the tests all come through here, so TLS,
 * API keys and the payload codec are configured once, from one `TemporalConfig`. Workers take the
 * same converter: `createDataConverter(config.payloadKeys)` in worker/create-worker.ts.
 */
import { status } from '@grpc/grpc-js';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { ConnectionLike, ConnectionOptions } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { createDataConverter } from './data-converter';
import { probeTemporal } from './temporal-probe';
import type { TemporalConfig } from './temporal-config';

export type { TemporalConfig } from './temporal-config';

/** The connection half of the configuration, as both Connection and NativeConnection take it. */
export function connectionOptions(config: TemporalConfig): ConnectionOptions {
  return {
    address: config.address,
    ...(config.tls !== undefined && { tls: config.tls }),
    ...(config.apiKey !== undefined && { apiKey: config.apiKey }),
    ...(config.metadata !== undefined && { metadata: config.metadata }),
  };
}

/** A client on any connection (a grpc-js Connection, or a worker's NativeConnection). */
export function clientOn(connection: ConnectionLike, config: TemporalConfig): Client {
  return new Client({
    connection,
    namespace: config.namespace,
    dataConverter: createDataConverter(config.payloadKeys),
  });
}

export interface LazyClientOptions {
  /**
   * false: a call refused by the namespace's rate limit (RESOURCE_EXHAUSTED) fails at once instead
   * of being retried by the SDK until its deadline, so the caller can tell a rate limit from an
   * outage (the event starter retries it itself, then answers 429).
   */
  retryRateLimits?: boolean;
}

function withoutRateLimitRetries(): ConnectionOptions['interceptors'] {
  const defaults = defaultGrpcRetryOptions();
  return [
    makeGrpcRetryInterceptor({
      ...defaults,
      retryableDecider: (attempt, grpcStatus) =>
        grpcStatus.code !== status.RESOURCE_EXHAUSTED && defaults.retryableDecider(attempt, grpcStatus),
    }),
  ];
}

/**
 * A client whose connection is made on first use, so the ingress can start (and answer /healthz,
 * and 503 on webhooks) while Temporal is still unreachable. Close with `client.connection.close()`.
 */
export function createLazyClient(
  config: TemporalConfig,
  { retryRateLimits = true }: LazyClientOptions = {},
): Client {
  const options = connectionOptions(config);
  if (!retryRateLimits) options.interceptors = withoutRateLimitRetries();
  return clientOn(Connection.lazy(options), config);
}

/** A client connected now: fails at once when Temporal is unreachable or refuses the credentials. */
export async function connectClient(
  config: TemporalConfig,
  { connectTimeoutMs }: { connectTimeoutMs?: number } = {},
): Promise<Client> {
  const connection = await Connection.connect({
    ...connectionOptions(config),
    ...(connectTimeoutMs !== undefined && { connectTimeout: connectTimeoutMs }),
  });
  return clientOn(connection, config);
}

/**
 * The worker's connection (Rust core). Loaded on demand: processes that never run a worker (the
 * ingress, the ops CLI) never load the native runtime.
 */
export async function connectNativeConnection(config: TemporalConfig): Promise<NativeConnection> {
  const { NativeConnection } = await import('@temporalio/worker');
  try {
    return await NativeConnection.connect({
      address: config.address,
      ...(config.tls !== undefined && { tls: config.tls }),
      ...(config.apiKey !== undefined && { apiKey: config.apiKey }),
      ...(config.metadata !== undefined && { metadata: config.metadata }),
    });
  } catch (err) {
    throw await explainConnectFailure(err, config);
  }
}

/** A failed connection, carrying the probe's sentence when it finds the cause. */
export class TemporalConnectError extends Error {
  override name = 'TemporalConnectError';
}

/**
 * rustls's errors are exact but read like a stack (`InvalidCertificate(NotValidForNameContext
 * ...)`), and a client certificate the server refuses shows up only as a broken pipe: ask the
 * probe, and keep the original as the cause.
 */
async function explainConnectFailure(err: unknown, config: TemporalConfig): Promise<Error> {
  const probe = await probeTemporal(config);
  if (probe.code === 'ok') return err instanceof Error ? err : new Error(String(err));
  return new TemporalConnectError(`cannot connect to Temporal: ${probe.message}`, { cause: err });
}

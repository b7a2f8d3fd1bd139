/**
 * Ready means a start could succeed, and keep its promise: the server answers, the namespace
 * exists, the contract's search attributes are registered (starts fail without them) and the
 * retention covers Stripe's 3-day retry window (workflow-id dedupe forgets an event after it).
 * A reachable server missing any of these looks healthy while every webhook gets 503 or a
 * duplicate slips through, so readiness says which is missing and how to fix it.
 */
import { status } from '@grpc/grpc-js';
import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from './search-attributes';
import type { TemporalConfig } from './temporal-config';
import { probeTemporal } from './temporal-probe';

/** Stripe retries a failed delivery for up to 3 days. */
export const MIN_RETENTION_HOURS = 72;

export type ReadinessCode =
  'unreachable' | 'tls' | 'namespace_missing' | 'search_attributes_missing' | 'retention_too_short';

export interface ReadinessProblem {
  code: ReadinessCode;
  /** Names what is missing and the command or variable that fixes it. */
  message: string;
}

export interface TemporalReadiness {
  ready: boolean;
  problems: ReadinessProblem[];
}

function notFound(err: unknown): boolean {
  const cause = err instanceof ServiceError ? err.cause : err;
  return isGrpcServiceError(cause) && cause.code === status.NOT_FOUND;
}

/**
 * Asks the namespace's description and search attributes, under `timeoutMs`. Throws when the
 * server cannot be asked at all (unreachable, TLS refused): `unreachableReadiness` explains that.
 */
export async function temporalReadiness(client: Client, timeoutMs = 2000): Promise<TemporalReadiness> {
  const { connection, options } = client;
  const namespace = options.namespace;
  return connection.withDeadline(Date.now() + timeoutMs, async () => {
    let described;
    try {
      described = await connection.workflowService.describeNamespace({ namespace });
    } catch (err) {
      if (!notFound(err)) throw err;
      const fix = `temporal operator namespace create --retention 720h ${namespace}`;
      return notReady({
        code: 'namespace_missing',
        message: `namespace ${namespace} (TEMPORAL_NAMESPACE) does not exist: create it (${fix}) with the Stripe* search attributes`,
      });
    }
    const problems: ReadinessProblem[] = [];
    const seconds = Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
    if (seconds < MIN_RETENTION_HOURS * 3600) {
      problems.push({
        code: 'retention_too_short',
        message:
          `namespace ${namespace} keeps closed workflows ${Math.round(seconds / 3600)} h, under the ` +
          `${MIN_RETENTION_HOURS} h Stripe retries for, so a late retry would be applied twice: ` +
          `temporal operator namespace update --retention 720h ${namespace}`,
      });
    }
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.entries(SEARCH_ATTRIBUTE_DEFINITIONS).filter(
      ([name]) => customAttributes?.[name] === undefined,
    );
    if (missing.length > 0) {
      // One command per type: the CLI takes several --name flags but a single --type.
      const byType = new Map<string, string[]>();
      for (const [name, type] of missing) byType.set(type, [...(byType.get(type) ?? []), name]);
      const commands = [...byType].map(
        ([type, names]) =>
          `temporal operator search-attribute create --namespace ${namespace} ` +
          `${names.map((name) => `--name ${name}`).join(' ')} --type ${type}`,
      );
      problems.push({
        code: 'search_attributes_missing',
        message:
          `namespace ${namespace} lacks the search attributes ${missing.map(([name]) => name).join(', ')}, ` +
          `and every start sets them: ${commands.join('; ')}`,
      });
    }
    return { ready: problems.length === 0, problems };
  });
}

function notReady(problem: ReadinessProblem): TemporalReadiness {
  return { ready: false, problems: [problem] };
}

/**
 * The server could not be asked: with the connection's configuration, a probe says why (nothing
 * listening, TLS refused and by whom); without one, the error's own words.
 */
export async function unreachableReadiness(
  err: unknown,
  config?: TemporalConfig,
): Promise<TemporalReadiness> {
  const reason = err instanceof Error ? err.message : String(err);
  if (config) {
    const probe = await probeTemporal(config);
    if (probe.code !== 'ok') {
      const network = ['refused', 'timeout', 'unreachable'].includes(probe.code);
      return notReady({ code: network ? 'unreachable' : 'tls', message: probe.message });
    }
  }
  const where = config ? ` at TEMPORAL_ADDRESS=${config.address}` : '';
  return notReady({
    code: 'unreachable',
    message: `the readiness call to Temporal${where} failed: ${reason}`,
  });
}

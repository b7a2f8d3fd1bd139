/**
 * The namespace setup the contract needs, on any Temporal Service this project runs against (the
 * dev server, a cluster, a server someone else runs): the Stripe search attributes registered and
 * a 30-day retention, so workflow-ID dedupe covers Stripe's 3-day retry window.
 */
import { isGrpcServiceError } from '@temporalio/client';
import type { ConnectionLike } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import Long from 'long';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../common/search-attributes';

export const RETENTION_DAYS = 30;
const RETENTION = { seconds: Long.fromNumber(RETENTION_DAYS * 24 * 3600) };
const GRPC_ALREADY_EXISTS = 6;

const { IndexedValueType } = temporal.api.enums.v1;
const INDEXED_TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Bool: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
};

/**
 * Creates the namespace with the contract's retention. A real server starts with none but
 * `temporal-system` (the dev server and auto-setup create `default` themselves). Idempotent.
 */
export async function registerNamespace(
  connection: ConnectionLike,
  namespace: string,
): Promise<'registered' | 'existed'> {
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: RETENTION,
    });
    return 'registered';
  } catch (err) {
    if (isGrpcServiceError(err) && Number(err.code) === GRPC_ALREADY_EXISTS) return 'existed';
    throw err;
  }
}

/**
 * Idempotent: safe on a fresh server, an existing db file, or a real cluster. On SQL visibility
 * the attributes are per namespace and take slots (Keyword01.., Bool01..); the contract fits them.
 */
export async function configureNamespace(connection: ConnectionLike, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_DEFINITIONS)) {
    if (!existing.customAttributes?.[name]) missing[name] = INDEXED_TYPES[type]!;
  }
  if (Object.keys(missing).length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  }
  await connection.workflowService.updateNamespace({
    namespace,
    config: { workflowExecutionRetentionTtl: RETENTION },
  });
}

/** A visibility query naming every contract attribute: it fails until the frontend knows them all. */
const PROBE_QUERY = Object.entries(SEARCH_ATTRIBUTE_DEFINITIONS)
  .map(([name, type]) => (type === 'Bool' ? `${name} = false` : `${name} = 'probe'`))
  .join(' AND ');

/**
 * Waits until workflows can be started in the namespace with the contract's attributes. A real
 * server answers describeNamespace at once but refuses starts ("namespace not found", "invalid
 * search attribute") until its namespace cache refreshes, about every 10 s.
 */
export async function waitForNamespace(
  connection: ConnectionLike,
  namespace: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace, query: PROBE_QUERY });
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(
          `namespace ${namespace} was registered but is still not usable after ${timeoutMs} ms ` +
            `(last error: ${err instanceof Error ? err.message : String(err)}); see the server log`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

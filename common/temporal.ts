import { Client, Connection } from '@temporalio/client';
import type { TemporalConfig } from './config';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from './search-attributes';

/**
 * A client whose connection is made on first use, so the ingress can start (and answer /healthz,
 * and 503 on webhooks) while Temporal is still unreachable.
 */
export function createLazyClient(config: TemporalConfig): Client {
  const connection = Connection.lazy({ address: config.address });
  return new Client({ connection, namespace: config.namespace });
}

/**
 * Ready means a start could succeed: the server answers, the namespace exists and the contract's
 * search attributes are registered. A reachable server missing either would make every webhook
 * 503 while looking healthy.
 */
export async function isTemporalReady(client: Client, timeoutMs = 2000): Promise<boolean> {
  const { connection, options } = client;
  try {
    return await connection.withDeadline(Date.now() + timeoutMs, async () => {
      await connection.workflowService.describeNamespace({ namespace: options.namespace });
      const { customAttributes } = await connection.operatorService.listSearchAttributes({
        namespace: options.namespace,
      });
      return Object.keys(SEARCH_ATTRIBUTE_DEFINITIONS).every(
        (name) => customAttributes?.[name] !== undefined,
      );
    });
  } catch {
    return false;
  }
}

import { Client, Connection } from '@temporalio/client';
import type { TemporalConfig } from './config';

/**
 * A client whose connection is made on first use, so the ingress can start (and answer /healthz,
 * and 503 on webhooks) while Temporal is still unreachable.
 */
export function createLazyClient(config: TemporalConfig): Client {
  const connection = Connection.lazy({ address: config.address });
  return new Client({ connection, namespace: config.namespace });
}

/**
 * Ready means a start could succeed: the server answers and the namespace exists. (A reachable
 * server with a missing namespace would make every webhook 503 while looking healthy.)
 */
export async function isTemporalReachable(client: Client, timeoutMs = 2000): Promise<boolean> {
  try {
    await client.connection.withDeadline(Date.now() + timeoutMs, () =>
      client.connection.workflowService.describeNamespace({ namespace: client.options.namespace }),
    );
    return true;
  } catch {
    return false;
  }
}

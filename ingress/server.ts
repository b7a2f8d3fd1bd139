import { once } from 'node:events';
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import type { IngressConfig } from '../common/config';
import { createLazyClient } from '../common/temporal';
import { createApp } from './app';
import { createTemporalEventStarter } from './event-starter';

// raw-body waits forever for a client that trickles its body; Node's own timer bounds the whole
// request (answering 408). A real Stripe delivery is a few KB sent at once.
const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;
// In-flight requests get this long to finish (each is bounded by the start deadline) before exit.
const SHUTDOWN_GRACE_MS = 15_000;

export interface RunningIngress {
  server: Server;
  /** Stops accepting, lets in-flight requests finish, then closes the Temporal connection. */
  stop(): Promise<void>;
}

/** The ingress as configured, listening on `config.port`: shared by ingress/main.ts and `npm start`. */
export async function startIngress(
  config: IngressConfig,
  // Lazy: the ingress starts, and answers /healthz and 503, while Temporal is still unreachable.
  client: Client = createLazyClient(config.temporal),
): Promise<RunningIngress> {
  const starter = createTemporalEventStarter(client, {
    taskQueue: config.temporal.taskQueue,
    startTimeoutMs: config.startTimeoutMs,
  });
  const app = createApp({
    starter,
    secrets: config.webhookSecrets,
    toleranceSeconds: config.toleranceSeconds,
    maxBodyBytes: config.maxBodyBytes,
  });
  const server = app.listen(config.port);
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  await once(server, 'listening');

  return {
    server,
    async stop() {
      // Stop accepting first, so nothing new arrives needing the connection we are about to close.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await closed;
      clearTimeout(grace);
      await starter.drain();
      await client.connection.close();
    },
  };
}

import { once } from 'node:events';
import { loadIngressConfig } from '../common/config';
import { logger } from '../common/logger';
import { createLazyClient } from '../common/temporal';
import { createApp } from './app';
import { createTemporalEventStarter } from './event-starter';

// raw-body waits forever for a client that trickles its body; Node's own timer bounds the whole
// request (answering 408). A real Stripe delivery is a few KB sent at once.
const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;
// In-flight requests get this long to finish (each is bounded by the start deadline) before exit.
const SHUTDOWN_GRACE_MS = 15_000;

async function main(): Promise<void> {
  const config = loadIngressConfig();
  // Lazy: the ingress starts, and answers /healthz and 503, while Temporal is still unreachable.
  const client = createLazyClient(config.temporal);
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
  // Secrets are never logged; their count helps confirm a rotation was deployed.
  logger.info(
    {
      port: config.port,
      temporalAddress: config.temporal.address,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      webhookSecrets: config.webhookSecrets.length,
    },
    'ingress listening',
  );

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info({ signal }, 'shutting down: no new connections, draining requests');
  // Stop accepting first, so nothing new arrives needing the Temporal connection we are about to close.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  await closed;
  clearTimeout(grace);
  await starter.drain();
  await client.connection.close();
  logger.info('ingress stopped');
}

main().catch((err) => {
  logger.error(err);
  process.exit(1);
});

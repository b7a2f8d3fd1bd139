import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Client } from '@temporalio/client';
import type { IngressConfig } from '../common/config';
import type { TemporalReadiness } from '../common/event-starter';
import { logger } from '../common/logger';
import { createEventStarter } from '../common/event-starter';
import { createProviderEventStarter } from '../common/provider-event-starter';
import { createLazyClient } from '../common/temporal-connection';
import { createApp } from './app';
import { withRecentAcceptances } from './recent-acceptances';

// raw-body waits forever for a client that trickles its body; Node's own timer bounds the whole
// request (config.requestTimeoutMs, answering 408). A real Stripe delivery is a few KB sent at once.
const HEADERS_TIMEOUT_MS = 10_000;
// How often Node looks for requests past those timeouts. Its default, 30 s, would let a trickled
// body live up to twice the configured timeout.
const TIMEOUT_CHECK_INTERVAL_MS = 1000;
// Redeliveries of what this replica saw accepted are answered without Temporal for 10 minutes;
// 50,000 ids are a few MiB, and more than a 60,000-events-per-hour renewal run sends in that time.
const RECENT_ACCEPTANCES = { maxEntries: 50_000, ttlMs: 10 * 60_000 };
// In-flight requests get this long to finish (each is bounded by the start deadline) before exit.
const SHUTDOWN_GRACE_MS = 15_000;

export interface RunningIngress {
  server: Server;
  /** What /readyz answers: whether Temporal can take starts, and if not, what is missing. */
  readiness(): Promise<TemporalReadiness>;
  /** Stops accepting, lets in-flight requests finish, then closes the Temporal connection it owns. */
  stop(): Promise<void>;
}

export interface IngressOptions {
  /**
   * A client owned by the caller (the combined process passes one on its worker's NativeConnection);
   * the ingress then leaves it open at stop. Default: a lazy client of its own, so the ingress
   * starts, and answers /healthz and 503, while Temporal is still unreachable, with rate limits
   * not retried by the SDK (the starter retries them within its deadline, then answers 429).
   */
  client?: Client;
  /** Request eager workflow start (common/event-starter.ts): only with a worker in this process. */
  eagerStart?: boolean;
}

/** The ingress as configured, listening on `config.port`: shared by ingress/main.ts and `npm start`. */
export async function startIngress(
  config: IngressConfig,
  { client: given, eagerStart = false }: IngressOptions = {},
): Promise<RunningIngress> {
  const client = given ?? createLazyClient(config.temporal, { retryRateLimits: false });
  const starter = createEventStarter(client, {
    taskQueue: config.temporal.taskQueue,
    startTimeoutMs: config.startTimeoutMs,
    temporal: config.temporal,
    eagerStart,
  });
  const providerStarter = createProviderEventStarter(client, {
    taskQueue: config.temporal.taskQueue,
    startTimeoutMs: config.startTimeoutMs,
  });
  const app = createApp({
    starter: withRecentAcceptances(starter, RECENT_ACCEPTANCES),
    providers: { providers: config.providers, starter: providerStarter },
    secrets: config.webhookSecrets,
    toleranceSeconds: config.toleranceSeconds,
    maxBodyBytes: config.maxBodyBytes,
  });
  const handle = app.callback(); // Koa answers its own errors; the promise never rejects
  const server = createServer(
    {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, config.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, config.requestTimeoutMs),
    },
    (req, res) => void handle(req, res),
  );
  server.on('clientError', answerClientError);
  server.listen(config.port);
  await once(server, 'listening');

  return {
    server,
    readiness: () => starter.readiness(),
    async stop() {
      // Stop accepting first, so nothing new arrives needing the connection we are about to close.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await closed;
      clearTimeout(grace);
      await starter.drain();
      await providerStarter.drain();
      if (!given) await client.connection.close();
    },
  };
}

/** Requests Node refuses before Koa sees them: the same `{ error, message }` answers as the app's. */
const CLIENT_ERRORS: Record<string, { status: string; error: string; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: '408 Request Timeout',
    error: 'request_timeout',
    message: 'The request was not received completely in time (INGRESS_REQUEST_TIMEOUT_MS).',
  },
  HPE_HEADER_OVERFLOW: {
    status: '431 Request Header Fields Too Large',
    error: 'headers_too_large',
    message: 'The request headers are over the server limit (16 KiB).',
  },
};
const MALFORMED = {
  status: '400 Bad Request',
  error: 'malformed_request',
  message: 'The request is not valid HTTP/1.1.',
};

/**
 * Replaces Node's default answer (a bare status line, no body) with a JSON reason, on the same
 * condition Node uses: only while nothing of a response has been written to the socket yet.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const code = err.code ?? '';
  const answer = CLIENT_ERRORS[code] ?? MALFORMED;
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify({ error: answer.error, message: answer.message });
    socket.write(
      `HTTP/1.1 ${answer.status}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    logger.warn({ reason: answer.error }, 'request refused before routing');
  }
  socket.destroy();
}

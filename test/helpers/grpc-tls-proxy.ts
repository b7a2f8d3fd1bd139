/**
 * A TLS front for the plain-gRPC dev server (whose `start-dev` has no TLS options), so the suite
 * can prove that every process connects over TLS, mTLS or with an API key exactly as it would to
 * Temporal Cloud or a TLS cluster. It terminates TLS (ALPN h2) and forwards each HTTP/2 stream to
 * the dev server, headers, body and trailers, over one cleartext HTTP/2 session.
 *
 * - `requireClientCert`: the handshake refuses a client without a certificate signed by `ca`.
 * - `apiKey`: a call without `authorization: Bearer <apiKey>` is answered UNAUTHENTICATED, as
 *   Temporal Cloud does; every authorization header seen is recorded for the test to inspect.
 */
import http2 from 'node:http2';
import type { IncomingHttpHeaders, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface GrpcTlsProxyOptions {
  /** The plain-gRPC server, host:port. */
  target: string;
  /** PEM of the proxy's server certificate and key. */
  cert: string;
  key: string;
  /** PEM of the CA that client certificates must chain to (mTLS). */
  ca?: string;
  requireClientCert?: boolean;
  apiKey?: string;
}

export interface GrpcTlsProxy {
  /** 127.0.0.1:<port>; the test certificate names both localhost and 127.0.0.1. */
  address: string;
  /** Every `authorization` header received, in order. */
  readonly authorizations: readonly string[];
  /** TLS handshakes refused (no or untrusted client certificate). */
  readonly refusedHandshakes: number;
  close(): Promise<void>;
}

const GRPC_UNAUTHENTICATED = '16';

function forwardedHeaders(headers: IncomingHttpHeaders, target: string): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === ':authority' || name === ':scheme') continue;
    out[name] = value;
  }
  return { ...out, ':authority': target, ':scheme': 'http' };
}

function answerUnauthenticated(stream: ServerHttp2Stream): void {
  stream.respond(
    {
      ':status': 200,
      'content-type': 'application/grpc',
      'grpc-status': GRPC_UNAUTHENTICATED,
      'grpc-message': 'request unauthorized: missing or invalid API key',
    },
    { endStream: true },
  );
}

export async function startGrpcTlsProxy(options: GrpcTlsProxyOptions): Promise<GrpcTlsProxy> {
  const upstream = http2.connect(`http://${options.target}`);
  upstream.on('error', () => {}); // each stream reports its own failure
  const authorizations: string[] = [];
  const sessions = new Set<ServerHttp2Session>();
  let refusedHandshakes = 0;

  const server = http2.createSecureServer({
    cert: options.cert,
    key: options.key,
    ...(options.ca !== undefined && { ca: options.ca }),
    requestCert: options.requireClientCert === true,
    rejectUnauthorized: options.requireClientCert === true,
    ALPNProtocols: ['h2'],
  });
  server.on('tlsClientError', () => (refusedHandshakes += 1));
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => {});
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    const authorization = headers.authorization;
    if (authorization !== undefined) authorizations.push(String(authorization));
    if (options.apiKey !== undefined && authorization !== `Bearer ${options.apiKey}`) {
      answerUnauthenticated(stream);
      return;
    }
    const call = upstream.request(forwardedHeaders(headers, options.target));
    let trailers: http2.OutgoingHttpHeaders = {};
    call.on('response', (responseHeaders) => {
      const { ...head } = responseHeaders;
      // Trailers-only answer (an error): grpc-status already in the headers, nothing follows.
      if (head['grpc-status'] !== undefined) stream.respond(head, { endStream: true });
      else {
        stream.respond(head, { waitForTrailers: true });
        call.pipe(stream);
      }
    });
    call.on('trailers', (received: IncomingHttpHeaders) => {
      trailers = { ...received };
    });
    stream.on('wantTrailers', () => stream.sendTrailers(trailers));
    call.on('error', () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    stream.on('close', () => {
      if (!call.closed) call.close(http2.constants.NGHTTP2_CANCEL);
    });
    stream.pipe(call);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    authorizations,
    get refusedHandshakes() {
      return refusedHandshakes;
    },
    async close() {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      upstream.close();
    },
  };
}

/**
 * Why a process cannot reach Temporal, in words that name the variable to fix. grpc-js hides the
 * cause of a failed TLS handshake (every call only times out) and the worker's rustls reports
 * some refusals as a broken pipe, so on a failure the process opens one connection itself, with
 * node:tls and the same address, CA, client certificate and server name, and looks at what the
 * server does: refuses the TCP connection, answers plaintext, shows a certificate for another
 * name or from another CA, or rejects ours after the handshake.
 *
 * Nothing here is logged by itself, and no payload is ever sent: only an HTTP/2 preface.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { TemporalConfig } from './temporal-config';

export type ProbeCode =
  | 'ok'
  | 'refused'
  | 'timeout'
  | 'unreachable'
  | 'tls_required'
  | 'not_tls'
  | 'server_name'
  | 'server_untrusted'
  | 'server_expired'
  | 'client_cert_required'
  | 'client_cert_refused';

export interface ProbeResult {
  code: ProbeCode;
  /** A sentence naming what to change; empty for `ok`. */
  message: string;
}

// An HTTP/2 client preface and an empty SETTINGS frame: a gRPC server answers with its SETTINGS.
const H2_PREFACE = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);
const TLS_RECORD_ALERT = 0x15;
const TLS_RECORD_HANDSHAKE = 0x16;

function splitAddress(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  return match ? { host: match[1]!, port: Number(match[2]) } : { host: address, port: 7233 };
}

const result = (code: ProbeCode, message = ''): ProbeResult => ({ code, message });

/** Runs the probe for `config`: what grpc-js or rustls would meet, told plainly. */
export function probeTemporal(config: TemporalConfig, timeoutMs = 2000): Promise<ProbeResult> {
  const { host, port } = splitAddress(config.address);
  const useTls = config.tls !== undefined && config.tls !== false ? config.tls : config.apiKey !== undefined;
  const where = `TEMPORAL_ADDRESS=${config.address}`;
  return new Promise((resolve) => {
    let settled = false;
    let socket: net.Socket;
    const finish = (outcome: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish(result('timeout', `${where} did not complete a connection within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') {
        return finish(result('refused', `nothing listens at ${where} (connection refused)`));
      }
      finish(classifyTlsError(err, useTls !== false, where));
    };

    if (!useTls) {
      socket = net.connect({ host, port }, () => socket.write(H2_PREFACE));
      socket.once('data', (data: Buffer) =>
        finish(
          data[0] === TLS_RECORD_ALERT || data[0] === TLS_RECORD_HANDSHAKE
            ? tlsRequired(where)
            : result('ok'),
        ),
      );
      // A TLS server drops a plaintext client without a word (Go's crypto/tls does).
      socket.once('close', () => finish(tlsRequired(where)));
      socket.once('error', onError);
      return;
    }

    const options = useTls === true ? {} : useTls;
    const serverName = options.serverNameOverride ?? host;
    socket = tls.connect({
      host,
      port,
      ...(net.isIP(serverName) ? {} : { servername: serverName }),
      ...(options.serverRootCACertificate ? { ca: Buffer.from(options.serverRootCACertificate) } : {}),
      ...(options.clientCertPair
        ? { cert: Buffer.from(options.clientCertPair.crt), key: Buffer.from(options.clientCertPair.key) }
        : {}),
      ALPNProtocols: ['h2'],
      // Verified below, so the answer can say which check failed.
      rejectUnauthorized: false,
    });
    const secure = socket as tls.TLSSocket;
    secure.once('secureConnect', () => {
      const peer = secure.getPeerCertificate();
      const trust = checkTrust(secure, peer, serverName);
      if (trust) return finish(trust);
      socket.write(H2_PREFACE);
    });
    socket.once('data', () => finish(result('ok')));
    socket.once('close', () =>
      finish(
        result(
          'client_cert_refused',
          `the server at ${where} closed the connection after the TLS handshake: it refused the client ` +
            'certificate (TEMPORAL_TLS_CLIENT_CERT_PATH), or requires one',
        ),
      ),
    );
    socket.once('error', onError);
  });
}

function tlsRequired(where: string): ProbeResult {
  return result(
    'tls_required',
    `the server at ${where} speaks TLS, not plain gRPC: set TEMPORAL_TLS=true and its CA ` +
      '(TEMPORAL_TLS_SERVER_CA_CERT_PATH), and the client certificate if it requires one',
  );
}

/** The server's certificate, judged as grpc-js and rustls would: issuer, validity, then name. */
function checkTrust(
  socket: tls.TLSSocket,
  peer: tls.PeerCertificate,
  serverName: string,
): ProbeResult | undefined {
  const error = socket.authorizationError as unknown as string | Error | null;
  const reason = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : error;
  if (reason === 'CERT_HAS_EXPIRED') {
    return result(
      'server_expired',
      `the server's certificate expired on ${peer.valid_to}; the server needs a new one`,
    );
  }
  if (reason && reason !== 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return result(
      'server_untrusted',
      `the server's certificate (issued by ${String(peer.issuer?.CN ?? 'an unknown CA')}) is not trusted (${reason}): ` +
        'set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed it',
    );
  }
  const mismatch = tls.checkServerIdentity(serverName, peer);
  if (mismatch) {
    return result(
      'server_name',
      `the server's certificate is for ${String(peer.subjectaltname ?? peer.subject?.CN ?? 'no name')}, not "${serverName}": ` +
        'set TEMPORAL_TLS_SERVER_NAME to a name it carries, or give the server a certificate for the address ' +
        'clients dial',
    );
  }
  return undefined;
}

function classifyTlsError(err: NodeJS.ErrnoException, usingTls: boolean, where: string): ProbeResult {
  const text = `${err.code ?? ''} ${err.message}`;
  if (/certificate required/i.test(text)) {
    return result(
      'client_cert_required',
      `the server at ${where} requires a client certificate: set TEMPORAL_TLS_CLIENT_CERT_PATH and ` +
        'TEMPORAL_TLS_CLIENT_KEY_PATH',
    );
  }
  const alert =
    /alert (unknown ca|bad certificate|certificate (?:expired|unknown|revoked)|unsupported certificate)/i.exec(
      text,
    );
  if (alert) {
    return result(
      'client_cert_refused',
      `the server at ${where} refused the client certificate (TEMPORAL_TLS_CLIENT_CERT_PATH) with the TLS ` +
        `alert "${alert[1]}": it must be valid and issued by a CA the server trusts`,
    );
  }
  if (usingTls && /wrong version number|packet length too long|unknown protocol|ECONNRESET/i.test(text)) {
    return result(
      'not_tls',
      `the server at ${where} does not speak TLS: unset TEMPORAL_TLS (and the TEMPORAL_TLS_* files), or dial its TLS port`,
    );
  }
  return result('unreachable', `${where}: ${err.message}`);
}

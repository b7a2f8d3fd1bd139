import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIPv4, isIPv6 } from 'node:net';
import { ConfigError } from '../common/config';
import { logger as defaultLogger } from '../common/logger';
import type { Logger } from '../common/logger';
import { EncryptionCodec } from '../common/payload-codec';
import type { PayloadKey } from '../common/payload-keys';
import { createCodecApp, DEFAULT_MAX_BODY_BYTES } from './codec-app';

export const DEFAULT_CODEC_SERVER_HOST = '127.0.0.1';
// The port Temporal's codec server samples use, so their instructions work unchanged.
export const DEFAULT_CODEC_SERVER_PORT = 8888;
// The dev server's Web UI under both names a browser may have opened it with.
export const DEFAULT_CORS_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];
// A decode request is quick; this only bounds how long a stuck client delays shutdown.
const SHUTDOWN_GRACE_MS = 5000;

export interface CodecServerOptions {
  /** The first key encrypts (/encode); all decrypt (/decode). */
  keys: readonly PayloadKey[];
  host?: string;
  /** 0 picks a free port; `url` says which. */
  port?: number;
  /** Bearer token for /encode and /decode. Without one, the host must be a loopback address. */
  token?: string;
  corsOrigins?: readonly string[];
  maxBodyBytes?: number;
  logger?: Logger;
}

export interface RunningCodecServer {
  /** Where to point the Web UI (`--ui-codec-endpoint`) and the CLI (`--codec-endpoint`). */
  url: string;
  /** Stops accepting, lets requests in flight finish, then closes the rest. */
  stop(): Promise<void>;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.replace(/^::ffff:/i, '');
  return isIPv4(v4) && v4.startsWith('127.');
}

/** A wildcard address is where to listen, not where to call: the URL names this machine. */
function urlHost(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare === '0.0.0.0') return '127.0.0.1';
  if (bare === '::') return '[::1]';
  return isIPv6(bare) ? `[${bare}]` : bare;
}

/** The codec server, listening: shared by ops/codec-server-main.ts, `npm start` and the tests. */
export async function startCodecServer(options: CodecServerOptions): Promise<RunningCodecServer> {
  const host = options.host ?? DEFAULT_CODEC_SERVER_HOST;
  const token = options.token === '' ? undefined : options.token;
  // Anyone who reaches an open codec server can decrypt every history: off loopback, require a token.
  if (token === undefined && !isLoopbackHost(host)) {
    throw new ConfigError(
      `CODEC_SERVER_HOST is ${host} but CODEC_SERVER_TOKEN is not set: anyone reaching it could decrypt ` +
        'every payload. Set CODEC_SERVER_TOKEN, or listen on 127.0.0.1.',
    );
  }
  const log = options.logger ?? defaultLogger;
  const app = createCodecApp({
    codec: new EncryptionCodec(options.keys),
    token,
    corsOrigins: options.corsOrigins ?? DEFAULT_CORS_ORIGINS,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    logger: log,
  });
  const handle = app.callback(); // Koa answers its own errors; the promise never rejects
  const server = createServer({ requestTimeout: 30_000 }, (req, res) => void handle(req, res));
  server.listen(options.port ?? DEFAULT_CODEC_SERVER_PORT, host);
  await once(server, 'listening');

  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(host)}:${port}`;
  return {
    url,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await closed;
      clearTimeout(grace);
    },
  };
}

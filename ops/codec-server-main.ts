import { ConfigError, positiveInt } from '../common/config';
import { logger } from '../common/logger';
import { loadPayloadEncryption } from '../common/payload-keys';
import {
  DEFAULT_CODEC_SERVER_HOST,
  DEFAULT_CODEC_SERVER_PORT,
  DEFAULT_CORS_ORIGINS,
  startCodecServer,
} from './codec-server';
import type { CodecServerOptions } from './codec-server';

type Env = Record<string, string | undefined>;

function corsOrigins(env: Env): string[] {
  const raw = env.CODEC_SERVER_CORS_ORIGINS?.trim();
  if (!raw) return DEFAULT_CORS_ORIGINS;
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let parsed: string | undefined;
    try {
      parsed = new URL(origin).origin;
    } catch {
      parsed = undefined;
    }
    // The browser sends exactly scheme://host[:port], so anything else could never match; a
    // trailing slash, as copied from the address bar, is the one thing forgiven.
    if (parsed === undefined || parsed !== origin.replace(/\/$/, '')) {
      throw new ConfigError(
        `CODEC_SERVER_CORS_ORIGINS entries must be origins like http://localhost:8233 ` +
          `(scheme, host and port; no path), got "${origin}"`,
      );
    }
    return parsed;
  });
}

function loadCodecServerOptions(env: Env = process.env): CodecServerOptions {
  const encryption = loadPayloadEncryption(env);
  if (encryption.mode !== 'encrypted') {
    throw new ConfigError(
      'The codec server needs the payload keys: set TEMPORAL_PAYLOAD_KEYS or TEMPORAL_PAYLOAD_KEYS_FILE ' +
        '(and leave TEMPORAL_PAYLOAD_ENCRYPTION on), the same keys as the workers',
    );
  }
  return {
    keys: encryption.keys,
    host: env.CODEC_SERVER_HOST?.trim() || DEFAULT_CODEC_SERVER_HOST,
    port: positiveInt(env, 'CODEC_SERVER_PORT', DEFAULT_CODEC_SERVER_PORT),
    token: env.CODEC_SERVER_TOKEN?.trim() || undefined,
    corsOrigins: corsOrigins(env),
  };
}

async function main(): Promise<void> {
  const options = loadCodecServerOptions();
  const server = await startCodecServer(options);
  // Key ids and counts only: the token and the keys never reach a log.
  logger.info(
    {
      url: server.url,
      keyIds: options.keys.map((key) => key.id),
      encryptsWith: options.keys[0]?.id,
      tokenRequired: options.token !== undefined,
      corsOrigins: options.corsOrigins,
    },
    'codec server listening',
  );

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info({ signal }, 'codec server shutting down');
  await server.stop();
  logger.info('codec server stopped');
}

main().catch((err) => {
  logger.error(err);
  process.exit(1);
});

/**
 * The data folder `npm start` keeps between runs ($DATA_DIR, default .data): what it generates so
 * the quick start needs no configuration, and where the other local tools (`npm run send`,
 * `npm run ops`) find the same values without being told.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatePayloadKey } from './payload-keys';

type Env = Record<string, string | undefined>;

export function localDataDir(env: Env = process.env): string {
  return path.resolve(env.DATA_DIR?.trim() || '.data');
}

export const localFiles = (env: Env = process.env) => {
  const dir = localDataDir(env);
  return {
    dir,
    /** The endpoint signing secret `npm start` generated (whsec_local_...). */
    webhookSecret: path.join(dir, 'webhook-secret'),
    /** The payload encryption key `npm start` generated, in TEMPORAL_PAYLOAD_KEYS_FILE format. */
    payloadKeys: path.join(dir, 'payload-keys'),
  };
};

/**
 * The payload keys to run with when none are configured: the ones `npm start` keeps in the data
 * folder (generated there on first start when `create`), so the CLI on the same machine decrypts
 * what the quick start wrote. Configured keys, or TEMPORAL_PAYLOAD_ENCRYPTION=off, always win.
 * Returns the environment to load the configuration from, and where the keys came from.
 */
export function withLocalPayloadKeys(
  env: Env = process.env,
  { create }: { create: boolean },
): { env: Env; source: string | undefined } {
  if (env.TEMPORAL_PAYLOAD_KEYS?.trim()) return { env, source: 'TEMPORAL_PAYLOAD_KEYS' };
  if (env.TEMPORAL_PAYLOAD_KEYS_FILE?.trim()) return { env, source: env.TEMPORAL_PAYLOAD_KEYS_FILE };
  if (env.TEMPORAL_PAYLOAD_ENCRYPTION?.trim().toLowerCase() === 'off') return { env, source: undefined };
  const file = localFiles(env).payloadKeys;
  if (!existsSync(file)) {
    if (!create) return { env, source: undefined };
    writeFileSync(file, `${generatePayloadKey()}\n`, { mode: 0o600 });
  }
  return { env: { ...env, TEMPORAL_PAYLOAD_KEYS_FILE: file }, source: file };
}

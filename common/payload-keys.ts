import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error';

/** An AES-256 key and the id written next to every payload it encrypts. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

export type PayloadEncryption =
  | { mode: 'encrypted'; keys: PayloadKey[] }
  /** TEMPORAL_PAYLOAD_ENCRYPTION=off: the operator chose plaintext payloads. */
  | { mode: 'plaintext' }
  /** Encryption is on but no key is configured; the caller decides (refuse, or generate one). */
  | { mode: 'missing' };

type Env = Record<string, string | undefined>;

export const KEY_BYTES = 32;
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
// Standard or URL-safe alphabet, optional padding: `openssl rand -base64 32` and Buffer both fit.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const FORMAT = 'kid:base64 entries, comma separated (e.g. k2:AbC...=,k1:XyZ...=)';

/**
 * Reads the payload keys once, at start. The first key encrypts, every key decrypts: rotate by
 * putting a new key first and keeping the old ones for as long as histories written with them
 * may be read (the namespace retention, and any history kept for replay).
 */
export function loadPayloadEncryption(env: Env = process.env): PayloadEncryption {
  const mode = env.TEMPORAL_PAYLOAD_ENCRYPTION?.trim().toLowerCase() || 'on';
  if (mode !== 'on' && mode !== 'off') {
    throw new ConfigError(`TEMPORAL_PAYLOAD_ENCRYPTION must be "on" or "off", got "${mode}"`);
  }
  const inline = env.TEMPORAL_PAYLOAD_KEYS?.trim() || undefined;
  const file = env.TEMPORAL_PAYLOAD_KEYS_FILE?.trim() || undefined;
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError(
      'TEMPORAL_PAYLOAD_KEYS and TEMPORAL_PAYLOAD_KEYS_FILE are both set: keep one, so there is one ' +
        'answer to which key encrypts',
    );
  }
  if (mode === 'off') {
    // Keys with encryption off would mean "decrypt old payloads, write new ones in clear":
    // too easy to do by accident, so it has to be made explicit by removing the keys.
    if (inline !== undefined || file !== undefined) {
      throw new ConfigError(
        'TEMPORAL_PAYLOAD_ENCRYPTION=off but payload keys are set: remove TEMPORAL_PAYLOAD_KEYS' +
          '(_FILE) to run in plaintext, or set TEMPORAL_PAYLOAD_ENCRYPTION=on',
      );
    }
    return { mode: 'plaintext' };
  }
  if (inline !== undefined) {
    return { mode: 'encrypted', keys: parseKeys('TEMPORAL_PAYLOAD_KEYS', splitInline(inline)) };
  }
  if (file !== undefined) {
    return { mode: 'encrypted', keys: parseKeys('TEMPORAL_PAYLOAD_KEYS_FILE', readKeyFile(file)) };
  }
  return { mode: 'missing' };
}

/** A fresh key line, `kid:base64`, ready for TEMPORAL_PAYLOAD_KEYS or a keys file. */
export function generatePayloadKey(id = defaultKeyId()): string {
  if (!KEY_ID_PATTERN.test(id)) throw new Error(`key id must match ${KEY_ID_PATTERN.source}`);
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

function defaultKeyId(): string {
  // The date tells an operator how old a key is; the suffix keeps two keys of one day apart.
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return `key-${day}-${randomBytes(3).toString('hex')}`;
}

interface Entry {
  where: string;
  text: string;
}

function splitInline(value: string): Entry[] {
  return value.split(',').map((text, index) => ({ where: `entry ${index + 1}`, text: text.trim() }));
}

function readKeyFile(path: string): Entry[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ConfigError(
      `TEMPORAL_PAYLOAD_KEYS_FILE: cannot read ${path} (${code}); check the path and that this user may read it`,
    );
  }
  // Neither key ids nor base64 contain '#', so everything after one is a comment.
  return content.split(/\r?\n/).flatMap((line, index) =>
    line
      .replace(/#.*/, '')
      .split(',')
      .map((text) => ({ where: `${path} line ${index + 1}`, text: text.trim() }))
      .filter((entry) => entry.text !== ''),
  );
}

/** Messages name the entry and the rule it breaks, never the entry itself: it may be a key. */
function parseKeys(variable: string, entries: Entry[]): PayloadKey[] {
  const keys: PayloadKey[] = [];
  for (const { where, text } of entries) {
    const bad = (what: string) => new ConfigError(`${variable}: ${where} ${what}; expected ${FORMAT}`);
    const colon = text.indexOf(':');
    if (colon < 0) throw bad(text === '' ? 'is empty' : 'has no "kid:" before the key');
    const id = text.slice(0, colon).trim();
    const material = text.slice(colon + 1).trim();
    if (!KEY_ID_PATTERN.test(id)) {
      throw bad(`has an invalid key id (1 to 64 of A-Z a-z 0-9 . _ -)`);
    }
    if (!BASE64.test(material)) throw bad(`(key "${id}") is not base64`);
    const key = Buffer.from(material, 'base64');
    if (key.length !== KEY_BYTES) {
      throw bad(
        `(key "${id}") decodes to ${key.length} bytes, AES-256 needs ${KEY_BYTES} (openssl rand -base64 32)`,
      );
    }
    if (keys.some((existing) => existing.id === id)) {
      throw bad(`repeats key id "${id}"; every key needs its own id`);
    }
    keys.push({ id, key });
  }
  if (keys.length === 0) throw new ConfigError(`${variable} holds no key; expected ${FORMAT}`);
  return keys;
}

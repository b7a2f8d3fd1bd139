import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../common/config';
import { generatePayloadKey, loadPayloadEncryption } from '../../common/payload-keys';

const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
const K1 = b64(32);
const K2 = b64(32);
const dir = mkdtempSync(path.join(os.tmpdir(), 'payload-keys-'));

function keysFile(content: string): string {
  const file = path.join(dir, `${randomBytes(4).toString('hex')}.keys`);
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

/** Fails unless loading throws a ConfigError naming `variable` and matching `reason`, leaking no key. */
function assertRefused(env: Record<string, string>, variable: string, reason: RegExp, secrets: string[]) {
  assert.throws(
    () => loadPayloadEncryption(env),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
      assert.ok(err.message.includes(variable), `"${err.message}" does not name ${variable}`);
      assert.match(err.message, reason);
      for (const secret of secrets)
        assert.ok(!err.message.includes(secret), 'the message leaks key material');
      return true;
    },
  );
}

describe('loadPayloadEncryption', () => {
  it('reads inline keys in order: the first one encrypts', () => {
    const result = loadPayloadEncryption({ TEMPORAL_PAYLOAD_KEYS: ` k2:${K2} , k1:${K1}` });
    assert.equal(result.mode, 'encrypted');
    assert.ok(result.mode === 'encrypted');
    assert.deepEqual(
      result.keys.map((k) => k.id),
      ['k2', 'k1'],
    );
    assert.deepEqual(result.keys[0]?.key, Buffer.from(K2, 'base64'));
    assert.equal(result.keys[1]?.key.length, 32);
  });

  it('reads a keys file: one per line or comma separated, with comments', () => {
    const file = keysFile(`# rotated 2025-01\nk3.new:${K2}   # current\n\nk2:${K1},k1_old:${b64(32)}\n`);
    const result = loadPayloadEncryption({ TEMPORAL_PAYLOAD_KEYS_FILE: file });
    assert.ok(result.mode === 'encrypted');
    assert.deepEqual(
      result.keys.map((k) => k.id),
      ['k3.new', 'k2', 'k1_old'],
    );
  });

  it('tells missing keys apart from plaintext chosen on purpose', () => {
    assert.deepEqual(loadPayloadEncryption({}), { mode: 'missing' });
    assert.deepEqual(loadPayloadEncryption({ TEMPORAL_PAYLOAD_KEYS: '  ' }), { mode: 'missing' });
    assert.deepEqual(loadPayloadEncryption({ TEMPORAL_PAYLOAD_ENCRYPTION: 'off' }), { mode: 'plaintext' });
    assert.equal(
      loadPayloadEncryption({ TEMPORAL_PAYLOAD_ENCRYPTION: 'ON', TEMPORAL_PAYLOAD_KEYS: `k1:${K1}` }).mode,
      'encrypted',
    );
  });

  it('refuses bad inline keys, naming the variable and never the key', () => {
    const V = 'TEMPORAL_PAYLOAD_KEYS';
    const short = b64(16);
    assertRefused({ [V]: `k1:${short}` }, V, /key "k1".*16 bytes, AES-256 needs 32/, [short]);
    assertRefused({ [V]: 'k1:not*base64!' }, V, /key "k1".*not base64/, ['not*base64!']);
    assertRefused({ [V]: `k1:${K1},k1:${K2}` }, V, /entry 2 repeats key id "k1"/, [K1, K2]);
    assertRefused({ [V]: `bad id:${K1}` }, V, /entry 1 has an invalid key id/, [K1]);
    assertRefused({ [V]: `${'x'.repeat(65)}:${K1}` }, V, /invalid key id/, [K1]);
    // A bare key (no id) must not be echoed back as if it were an id.
    assertRefused({ [V]: K1 }, V, /entry 1 has no "kid:"/, [K1]);
    assertRefused({ [V]: `k1:${K1},` }, V, /entry 2 is empty/, [K1]);
  });

  it('refuses a bad keys file, naming the variable and the path', () => {
    const V = 'TEMPORAL_PAYLOAD_KEYS_FILE';
    const missing = path.join(dir, 'nope.keys');
    assertRefused({ [V]: missing }, V, new RegExp(`cannot read ${missing} \\(ENOENT\\)`), []);
    assertRefused({ [V]: dir }, V, /cannot read .*\(EISDIR\)/, []);
    assertRefused({ [V]: keysFile('# nothing yet\n\n') }, V, /holds no key/, []);
    const short = b64(31);
    assertRefused(
      { [V]: keysFile(`k1:${K1}\nk2:${short}\n`) },
      V,
      /line 2 \(key "k2"\) decodes to 31 bytes/,
      [short, K1],
    );
  });

  it('refuses ambiguous switches', () => {
    assertRefused(
      { TEMPORAL_PAYLOAD_ENCRYPTION: 'maybe' },
      'TEMPORAL_PAYLOAD_ENCRYPTION',
      /"on" or "off"/,
      [],
    );
    assertRefused(
      { TEMPORAL_PAYLOAD_ENCRYPTION: 'off', TEMPORAL_PAYLOAD_KEYS: `k1:${K1}` },
      'TEMPORAL_PAYLOAD_ENCRYPTION=off',
      /remove TEMPORAL_PAYLOAD_KEYS/,
      [K1],
    );
    assertRefused(
      { TEMPORAL_PAYLOAD_KEYS: `k1:${K1}`, TEMPORAL_PAYLOAD_KEYS_FILE: keysFile(`k1:${K1}`) },
      'TEMPORAL_PAYLOAD_KEYS_FILE',
      /both set/,
      [K1],
    );
  });
});

describe('generatePayloadKey', () => {
  it('makes a line the loader accepts, with a fresh 32-byte key each time', () => {
    const line = generatePayloadKey();
    assert.match(line, /^key-\d{8}-[0-9a-f]{6}:[A-Za-z0-9+/]{43}=$/);
    const result = loadPayloadEncryption({ TEMPORAL_PAYLOAD_KEYS: `${generatePayloadKey('local')},${line}` });
    assert.ok(result.mode === 'encrypted');
    assert.equal(result.keys[0]?.id, 'local');
    assert.notDeepEqual(result.keys[0]?.key, result.keys[1]?.key);
    assert.throws(() => generatePayloadKey('has space'), /key id must match/);
  });
});

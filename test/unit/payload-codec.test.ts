import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { EncryptionCodec, PayloadDecryptionFailed, PayloadKeyUnknown } from '../../common/payload-codec';
import type { PayloadKey } from '../../common/payload-keys';

const EMAIL = 'ada.lovelace+codec-marker@example.test';
const k1: PayloadKey = { id: 'k1', key: randomBytes(32) };
const k2: PayloadKey = { id: 'k2', key: randomBytes(32) };

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString();
const json = (value: unknown) => defaultPayloadConverter.toPayload(value);

const plaintexts: Payload[] = [
  json({ customer: { email: EMAIL, name: 'Ada Lovelace' } }),
  defaultPayloadConverter.toPayload(new Uint8Array([0, 1, 2, 255, 254])),
  defaultPayloadConverter.toPayload(undefined), // binary/null: metadata only, no data
  json(''),
];

/** Byte-level equality of what matters: every metadata entry and the data. */
function assertSamePayload(actual: Payload, expected: Payload): void {
  const entries = (p: Payload) =>
    Object.entries(p.metadata ?? {})
      .map(([key, value]) => [key, text(value)])
      .sort();
  assert.deepEqual(entries(actual), entries(expected));
  assert.deepEqual(Buffer.from(actual.data ?? []), Buffer.from(expected.data ?? []));
}

async function encodeOne(codec: EncryptionCodec, payload: Payload): Promise<Payload> {
  const [encoded] = await codec.encode([payload]);
  assert.ok(encoded);
  return encoded;
}

describe('EncryptionCodec', () => {
  it('round-trips JSON, binary, null and empty payloads', async () => {
    const codec = new EncryptionCodec([k1]);
    const encoded = await codec.encode(plaintexts);
    assert.equal(encoded.length, plaintexts.length);
    const decoded = await codec.decode(encoded);
    decoded.forEach((payload, index) => assertSamePayload(payload, plaintexts[index]!));
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded[0]!), {
      customer: { email: EMAIL, name: 'Ada Lovelace' },
    });
  });

  it('hides the content and marks the payload binary/encrypted with the key id', async () => {
    const encoded = await encodeOne(new EncryptionCodec([k1]), plaintexts[0]!);
    assert.deepEqual(Object.keys(encoded.metadata ?? {}).sort(), ['encoding', 'encryption-key-id']);
    assert.equal(text(encoded.metadata?.encoding), 'binary/encrypted');
    assert.equal(text(encoded.metadata?.['encryption-key-id']), 'k1');
    const stored = Buffer.from(encoded.data ?? []);
    for (const marker of [EMAIL, 'lovelace', 'Ada', 'json/plain']) {
      assert.equal(stored.includes(marker), false, `ciphertext contains ${marker}`);
    }
  });

  it('uses a fresh IV for every payload', async () => {
    const codec = new EncryptionCodec([k1]);
    const [a, b] = await codec.encode([plaintexts[0]!, plaintexts[0]!]);
    const iv = (payload: Payload | undefined) => Buffer.from(payload?.data ?? []).subarray(0, 12);
    assert.notDeepEqual(iv(a), iv(b));
  });

  it('rotates: the first key encrypts, the older keys still decrypt', async () => {
    const old = await encodeOne(new EncryptionCodec([k1]), plaintexts[0]!);
    const rotated = new EncryptionCodec([k2, k1]);
    assert.equal(rotated.keyId, 'k2');
    const [decoded] = await rotated.decode([old]);
    assertSamePayload(decoded!, plaintexts[0]!);
    const fresh = await encodeOne(rotated, plaintexts[0]!);
    assert.equal(text(fresh.metadata?.['encryption-key-id']), 'k2');
  });

  it('names an unknown key id and says how to fix it', async () => {
    const encoded = await encodeOne(new EncryptionCodec([k1]), plaintexts[0]!);
    const err = await new EncryptionCodec([k2]).decode([encoded]).then(
      () => assert.fail('decoded with the wrong key set'),
      (error: unknown) => error,
    );
    assert.ok(err instanceof PayloadKeyUnknown);
    assert.equal(err.keyId, 'k1');
    assert.match(err.message, /add key k1 to TEMPORAL_PAYLOAD_KEYS/);
    assert.ok(!(err.message.includes(EMAIL) || err.message.includes('Ada')));
  });

  it('refuses a tampered payload, naming the key and nothing of its content', async () => {
    const encoded = await encodeOne(new EncryptionCodec([k1]), plaintexts[0]!);
    const codec = new EncryptionCodec([k1]);
    // One flipped bit in the IV, in the ciphertext, and in the tag.
    for (const at of [0, 20, encoded.data!.length - 1]) {
      const data = Buffer.from(encoded.data!);
      data[at] = data[at]! ^ 0x01;
      await assert.rejects(codec.decode([{ ...encoded, data }]), (err: unknown) => {
        assert.ok(err instanceof PayloadDecryptionFailed);
        assert.equal(err.keyId, 'k1');
        assert.match(err.message, /key "k1".*authentication failed/);
        assert.ok(!err.message.includes(EMAIL) && !err.message.includes(data.toString('base64')));
        return true;
      });
    }
  });

  it('refuses malformed encrypted payloads with a clear reason', async () => {
    const codec = new EncryptionCodec([k1]);
    const encoding = Buffer.from('binary/encrypted');
    const cases: [Payload, RegExp][] = [
      [{ metadata: { encoding }, data: randomBytes(40) }, /has no encryption-key-id metadata/],
      [
        {
          metadata: { encoding, 'encryption-key-id': Buffer.from('no spaces allowed') },
          data: randomBytes(40),
        },
        /not a valid key id/,
      ],
      [{ metadata: { encoding, 'encryption-key-id': Buffer.from('k1') }, data: randomBytes(20) }, /20 bytes/],
      [{ metadata: { encoding, 'encryption-key-id': Buffer.from('k1') } }, /0 bytes/],
    ];
    for (const [payload, reason] of cases) {
      await assert.rejects(codec.decode([payload]), (err: unknown) => {
        assert.ok(err instanceof PayloadDecryptionFailed);
        assert.match(err.message, reason);
        return true;
      });
    }
  });

  it('passes payloads recorded before encryption through unchanged', async () => {
    const codec = new EncryptionCodec([k1]);
    const decoded = await codec.decode(plaintexts);
    decoded.forEach((payload, index) => assert.equal(payload, plaintexts[index]));
    assert.deepEqual(await codec.decode([{}]), [{}]);
  });

  it('refuses a key set it cannot use', () => {
    assert.throws(() => new EncryptionCodec([]), /at least one key/);
    assert.throws(() => new EncryptionCodec([{ id: 'k1', key: randomBytes(16) }]), /32 bytes/);
    assert.throws(() => new EncryptionCodec([k1, { ...k2, id: 'k1' }]), /distinct ids/);
  });
});

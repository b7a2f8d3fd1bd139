import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { KEY_BYTES, KEY_ID_PATTERN } from './payload-keys';
import type { PayloadKey } from './payload-keys';

// The conventions of Temporal's encryption samples, so other SDKs' codecs and tools can read ours.
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/*
 * Both errors are plain Errors on purpose, not ApplicationFailure.nonRetryable. In a worker, a
 * payload that cannot be decoded fails the workflow task (retried until a worker with the right
 * key picks it up) or, for activity input, fails the attempt, which the SDK wraps as retryable.
 * A non-retryable failure there would end the activity for good, and with it the workflow: a
 * missing key is a deployment mistake to fix, not a property of the event.
 * Messages carry the key id only, never payload bytes: payloads hold personal data.
 */

/** The payload names a key this process does not have. */
export class PayloadKeyUnknown extends Error {
  override name = 'PayloadKeyUnknown';
  readonly code = 'payload_key_unknown';
  constructor(readonly keyId: string) {
    super(
      `payload was encrypted with key "${keyId}", which this process does not have: add key ${keyId} ` +
        'to TEMPORAL_PAYLOAD_KEYS; it was rotated out or this process has another key set',
    );
  }
}

/** The payload is marked encrypted but is malformed, or fails GCM authentication (tampered, wrong key). */
export class PayloadDecryptionFailed extends Error {
  override name = 'PayloadDecryptionFailed';
  readonly code = 'payload_decryption_failed';
  constructor(
    readonly keyId: string | undefined,
    reason: string,
  ) {
    const key = keyId === undefined ? 'an encrypted payload' : `a payload encrypted with key "${keyId}"`;
    super(`cannot decrypt ${key}: ${reason}`);
  }
}

/** AES-256-GCM over the whole protobuf-encoded payload; the first key encrypts, all keys decrypt. */
export class EncryptionCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly current: PayloadKey;

  constructor(keys: readonly PayloadKey[]) {
    const [first] = keys;
    if (first === undefined) throw new Error('EncryptionCodec needs at least one key');
    for (const { id, key } of keys) {
      if (!KEY_ID_PATTERN.test(id)) throw new Error(`key id must match ${KEY_ID_PATTERN.source}`);
      if (key.length !== KEY_BYTES) throw new Error(`key "${id}" must be ${KEY_BYTES} bytes`);
    }
    this.keys = new Map(keys.map(({ id, key }) => [id, Buffer.from(key)]));
    if (this.keys.size !== keys.length) throw new Error('EncryptionCodec keys need distinct ids');
    this.current = { id: first.id, key: Buffer.from(first.key) };
  }

  /** The id new payloads are encrypted with. */
  get keyId(): string {
    return this.current.id;
  }

  // Node's cipher is synchronous; the promise constructor turns a throw into a rejection.
  encode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((payload) => this.encrypt(payload))));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((payload) => this.decrypt(payload))));
  }

  private encrypt(payload: Payload): Payload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.current.key, iv, { authTagLength: TAG_BYTES });
    const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [METADATA_KEY_ID]: Buffer.from(this.current.id),
      },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    // Anything else was written before encryption was turned on (or by a plaintext process): replay it as is.
    if (encoding === undefined || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) return payload;

    const keyId = readKeyId(payload);
    const key = this.keys.get(keyId);
    if (key === undefined) throw new PayloadKeyUnknown(keyId);
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionFailed(keyId, `data is ${data.length} bytes, shorter than IV and tag`);
    }
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      plaintext = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      // OpenSSL's own message says nothing more useful, and nothing decrypted is ever returned.
      throw new PayloadDecryptionFailed(
        keyId,
        'authentication failed: the payload was altered, or another key was stored under this id',
      );
    }
    try {
      const { metadata, data: inner } = temporal.api.common.v1.Payload.decode(plaintext);
      return { metadata, data: inner };
    } catch {
      throw new PayloadDecryptionFailed(keyId, 'the decrypted bytes are not a Temporal Payload');
    }
  }
}

function readKeyId(payload: Payload): string {
  const raw = payload.metadata?.[METADATA_KEY_ID];
  if (raw === undefined || raw === null || raw.length === 0) {
    throw new PayloadDecryptionFailed(
      undefined,
      `it is marked ${ENCRYPTED_ENCODING} but has no ${METADATA_KEY_ID} metadata, so it was not written by this codec`,
    );
  }
  const keyId = Buffer.from(raw).toString();
  // Metadata comes from outside (a history, a codec-server request): echo it only when it looks like an id.
  if (!KEY_ID_PATTERN.test(keyId)) {
    throw new PayloadDecryptionFailed(undefined, `its ${METADATA_KEY_ID} metadata is not a valid key id`);
  }
  return keyId;
}

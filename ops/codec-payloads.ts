import type { Payload } from '@temporalio/common';

/** A Payload as protobuf JSON: what the Web UI and `temporal --codec-endpoint` send and expect. */
export interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

/** The body is not `{ payloads: [...] }`; the message says where, never what the value was. */
export class PayloadShapeError extends Error {
  override name = 'PayloadShapeError';
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bytes(value: unknown, where: string): Buffer {
  // Buffer.from() skips characters that are not base64; checking first keeps garbage out.
  if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) {
    throw new PayloadShapeError(`${where} must be a base64 string`);
  }
  return Buffer.from(value, 'base64');
}

function fromJson(value: unknown, where: string): Payload {
  if (!isRecord(value)) throw new PayloadShapeError(`${where} must be an object with metadata and data`);
  const { metadata = {}, data = '' } = value;
  if (!isRecord(metadata)) {
    throw new PayloadShapeError(`${where}.metadata must be an object of base64 strings`);
  }
  return {
    metadata: Object.fromEntries(
      Object.entries(metadata).map(([key, bytesValue], index) => [
        key,
        // A key is named only when it looks like one (`encoding`), so the message stays short.
        bytes(
          bytesValue,
          `${where}.metadata${/^[\w.-]{1,64}$/.test(key) ? `.${key}` : `, entry ${index + 1},`}`,
        ),
      ]),
    ),
    // protobuf JSON leaves out empty fields, so a missing `data` is empty data.
    data: bytes(data ?? '', `${where}.data`),
  };
}

export function payloadsFromBody(body: unknown): Payload[] {
  // protobuf JSON leaves out an empty list too: the Temporal CLI sends `{}` for no payloads.
  const payloads = isRecord(body) ? (body.payloads ?? []) : undefined;
  if (!Array.isArray(payloads)) {
    throw new PayloadShapeError('the body must be {"payloads": [{"metadata": {...}, "data": "<base64>"}]}');
  }
  return payloads.map((payload: unknown, index) => fromJson(payload, `payloads[${index}]`));
}

export function payloadsToBody(payloads: Payload[]): { payloads: JsonPayload[] } {
  const base64 = (value: Uint8Array | null | undefined) => Buffer.from(value ?? []).toString('base64');
  return {
    payloads: payloads.map(({ metadata, data }) => ({
      metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, v]) => [key, base64(v)])),
      data: base64(data),
    })),
  };
}

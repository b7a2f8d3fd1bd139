/**
 * Generated hostile requests for the ingress, each with the answers it may get. Randomness comes
 * from a seeded generator, so a failing run can be repeated with HOSTILE_SEED.
 *
 * The signature is the only authentication: the content type is deliberately not checked (Stripe
 * signs the bytes, not the headers), so "wrong content type" cases carry bodies that fail on their
 * own. Every case here must be refused; none may start a workflow.
 */
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { fixtureEvent } from '../../dev/fixtures';
import type { RawRequest } from './raw-http';

const stripe = new Stripe('sk_test_unused');

export interface HostileCase {
  category: string;
  request: RawRequest;
  /** Statuses it may be answered with; every one is a refusal. */
  expect: number[];
}

export type Random = () => number;

/** mulberry32: small, seedable, good enough to pick mutations. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WEBHOOK = '/webhooks/stripe';
const JSON_TYPE = 'application/json; charset=utf-8';

function int(random: Random, below: number): number {
  return Math.floor(random() * below);
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[int(random, items.length)]!;
}

/**
 * A valid signature for `payload` as stripe-node checks it: over the body decoded as UTF-8 (lossily,
 * for bytes that are not UTF-8), so even invalid UTF-8 reaches the checks after the signature.
 */
function sign(payload: Buffer | string, secret: string, timestamp?: number): string {
  return stripe.webhooks.generateTestHeaderString({
    payload: typeof payload === 'string' ? payload : payload.toString('utf8'),
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}

/** A POST to the webhook with a correct Content-Length and `Connection: close`. */
function post(body: Buffer, signature: string | undefined, contentType = JSON_TYPE): RawRequest {
  const headers: [string, string | Buffer][] = [
    ['Host', '127.0.0.1'],
    ['Content-Type', contentType],
    ['Content-Length', String(body.length)],
    ['Connection', 'close'],
  ];
  if (signature !== undefined) headers.push(['Stripe-Signature', signature]);
  return { method: 'POST', path: WEBHOOK, headers, body };
}

function validPayload(): Buffer {
  return Buffer.from(JSON.stringify(fixtureEvent(pick(Math.random, ['invoice.paid', 'customer.updated']))));
}

function mutateBytes(random: Random, body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const at = int(random, copy.length);
  switch (int(random, 4)) {
    case 0:
      copy[at] = copy[at]! ^ (1 << int(random, 8));
      return copy;
    case 1:
      return Buffer.concat([copy.subarray(0, at), copy.subarray(at + 1)]);
    case 2:
      return Buffer.concat([copy.subarray(0, at), Buffer.from([int(random, 256)]), copy.subarray(at)]);
    default:
      return copy.subarray(0, at);
  }
}

const HEX = '0123456789abcdef';

function mutateSignature(random: Random, header: string): string | Buffer {
  const [t, v1] = header.split(',') as [string, string];
  switch (int(random, 8)) {
    case 0: {
      // One hex digit of the signature changed.
      const at = 3 + int(random, v1.length - 3);
      const digit = HEX[(HEX.indexOf(v1[at]!) + 1 + int(random, 15)) % 16]!;
      return `${t},${v1.slice(0, at)}${digit}${v1.slice(at + 1)}`;
    }
    case 1:
      return `t=${Number(t.slice(2)) + 1 + int(random, 100)},${v1}`;
    case 2:
      return v1;
    case 3:
      return t;
    case 4:
      return `${t},v1=${v1.slice(3, 3 + int(random, v1.length - 3))}`;
    case 5:
      return randomBytes(8 + int(random, 64)).toString('base64');
    case 6:
      // Bytes outside ASCII (no CR, LF or NUL, which would end the header).
      return Buffer.from(Array.from({ length: 16 + int(random, 48) }, () => 0x80 + int(random, 128)));
    default:
      return `${t},v0=${v1.slice(3)}`;
  }
}

function nested(depth: number, open = '[', close = ']'): string {
  return open.repeat(depth) + close.repeat(depth);
}

/** An event whose metadata nests `depth` levels down: signed, it must still be refused. */
function deeplyNestedEvent(depth: number): string {
  const event = fixtureEvent('customer.updated');
  const json = JSON.stringify(event);
  return json.replace('"metadata":{', `"metadata":{"deep":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)},`);
}

function invalidUtf8(random: Random, payload: Buffer): Buffer {
  // Inside the type's value, so only the encoding is wrong, not the JSON around it: a lossy decode
  // would still give a valid event, of a type nobody signed.
  const at = payload.indexOf('"type":"') + 8;
  const bad = pick(random, [
    [0xff],
    [0xc3, 0x28],
    [0xed, 0xa0, 0x80],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0x80],
  ]);
  return Buffer.concat([payload.subarray(0, at), Buffer.from(bad), payload.subarray(at)]);
}

type Generator = (random: Random, ctx: { secret: string; now: number; maxBodyBytes: number }) => HostileCase;

const GENERATORS: Record<string, Generator> = {
  'mutated body': (random, { secret }) => {
    const body = validPayload();
    return {
      category: 'mutated body',
      request: post(mutateBytes(random, body), sign(body, secret)),
      expect: [400],
    };
  },
  'mutated signature header': (random, { secret }) => {
    const body = validPayload();
    const request = post(body, undefined);
    request.headers.push(['Stripe-Signature', mutateSignature(random, sign(body, secret))]);
    return { category: 'mutated signature header', request, expect: [400] };
  },
  'missing or empty signature': (random) => {
    const body = validPayload();
    return {
      category: 'missing or empty signature',
      request: post(body, pick(random, [undefined, '', ' '])),
      expect: [400],
    };
  },
  'wrong secret': () => {
    const body = validPayload();
    return {
      category: 'wrong secret',
      request: post(body, sign(body, `whsec_${randomBytes(16).toString('hex')}`)),
      expect: [400],
    };
  },
  'replayed after the tolerance': (random, { secret, now }) => {
    const body = validPayload();
    const offset = 301 + int(random, 100_000);
    const timestamp = random() < 0.8 ? now - offset : now + offset;
    return {
      category: 'replayed after the tolerance',
      request: post(body, sign(body, secret, timestamp)),
      expect: [400],
    };
  },
  'oversized body': (random, { secret, maxBodyBytes }) => {
    const size = maxBodyBytes + 1 + int(random, maxBodyBytes);
    const body = Buffer.alloc(size, 0x20);
    if (random() < 0.5) {
      // Only the headers announce it: refused before a byte of body is read.
      const request = post(Buffer.alloc(0), sign(body, secret));
      request.headers[2] = ['Content-Length', String(size)];
      return { category: 'oversized body', request, expect: [413] };
    }
    // Chunked, no length up front: refused once the limit is crossed.
    const request = post(Buffer.alloc(0), sign(body, secret));
    request.headers[2] = ['Transfer-Encoding', 'chunked'];
    request.body = Buffer.concat([
      Buffer.from(`${size.toString(16)}\r\n`),
      body,
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
    return { category: 'oversized body', request, expect: [413] };
  },
  'deeply nested JSON': (random, { secret }) => {
    const depth = pick(random, [100, 5_000, 20_000, 200_000]);
    const body = Buffer.from(
      random() < 0.5 ? nested(depth, pick(random, ['[', '{"a":']), '') : deeplyNestedEvent(depth),
    );
    const signed = random() < 0.7;
    // The deepest ones are also over the body limit.
    return {
      category: 'deeply nested JSON',
      request: post(body, signed ? sign(body, secret) : 't=1,v1=00'),
      expect: [400, 413],
    };
  },
  'invalid UTF-8': (random, { secret }) => {
    const body = invalidUtf8(random, validPayload());
    return {
      category: 'invalid UTF-8',
      request: post(body, random() < 0.7 ? sign(body, secret) : undefined),
      expect: [400],
    };
  },
  'wrong content type': (random, { secret }) => {
    const [contentType, text] = pick(random, [
      ['application/x-www-form-urlencoded', 'id=evt_1&object=event&type=invoice.paid'],
      ['text/xml', '<event><id>evt_1</id></event>'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
      ],
      ['text/plain', 'hello'],
      ['application/octet-stream', randomBytes(64).toString('latin1')],
    ] as const);
    const body = Buffer.from(text, 'latin1');
    return {
      category: 'wrong content type',
      request: post(body, random() < 0.5 ? sign(body, secret) : undefined, contentType),
      expect: [400],
    };
  },
  'signed but not an event': (random, { secret }) => {
    const body = Buffer.from(
      pick(random, [
        '{}',
        '[]',
        '"evt_1"',
        'null',
        '{"object":"event"}',
        '{"id":"evt_1","object":"event","type":"x","created":1,"livemode":false,"data":{}}',
        '{"id":"evt_<script>","object":"event","type":"x","created":1,"livemode":false,"data":{"object":{"object":"x"}}}',
        '{"id":"evt_1","object":"v2.core.event","type":"v1.billing.meter.error_report_triggered"}',
        '{"__proto__":{"object":"event"},"id":"evt_1"}',
        '{"id":"evt_1","object":"event","type":"x","created":1e400,"livemode":false,"data":{"object":{"object":"x"}}}',
      ]),
    );
    return { category: 'signed but not an event', request: post(body, sign(body, secret)), expect: [400] };
  },
  'huge headers': (random, { secret }) => {
    const body = validPayload();
    const request = post(body, sign(body, secret));
    request.headers.push(['X-Padding', 'a'.repeat(17_000 + int(random, 64_000))]);
    return { category: 'huge headers', request, expect: [431] };
  },
  'other methods': (random) => {
    const method = pick(random, ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
    return {
      category: 'other methods',
      request: {
        method,
        path: WEBHOOK,
        headers: [
          ['Host', '127.0.0.1'],
          ['Connection', 'close'],
        ],
      },
      expect: [405],
    };
  },
  'other paths': (random, { secret }) => {
    const path = pick(random, [
      '/',
      '/webhooks',
      '/webhooks/stripe/',
      '/webhooks/Stripe',
      '//webhooks/stripe',
      '/webhooks/stripe/../stripe2',
      '/%2e%2e/etc/passwd',
      `/${randomBytes(6).toString('hex')}`,
    ]);
    const body = validPayload();
    return { category: 'other paths', request: { ...post(body, sign(body, secret)), path }, expect: [404] };
  },
  'malformed HTTP': (random) => {
    const raw = pick(random, [
      'GARBAGE\r\n\r\n',
      'POST /webhooks/stripe HTTP/9.9\r\n\r\n',
      'POST /webhooks/stripe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello',
      'POST /webhooks/stripe HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n',
      'POST /webhooks/stripe HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
      'POST /webhooks/stripe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n',
      'POST /webhooks/stripe HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n',
      `POST /webhooks/stripe HTTP/1.1\r\nHost: 127.0.0.1\r\nX: ${'\u0000'}\r\n\r\n`,
    ]);
    return {
      category: 'malformed HTTP',
      request: { method: 'POST', path: WEBHOOK, headers: [], raw: Buffer.from(raw, 'latin1') },
      expect: [400],
    };
  },
};

export const HOSTILE_CATEGORIES = Object.keys(GENERATORS);

/** `count` cases cycling through every category. */
export function hostileCases(
  count: number,
  random: Random,
  ctx: { secret: string; now: number; maxBodyBytes: number },
): HostileCase[] {
  const generators = Object.values(GENERATORS);
  return Array.from({ length: count }, (_, index) => generators[index % generators.length]!(random, ctx));
}

/** A body trickled a few bytes at a time: slower than the request timeout allows. */
export function trickledRequest(secret: string): RawRequest {
  const body = validPayload();
  return { ...post(body, sign(body, secret)), trickleBytes: 4, trickleDelayMs: 250 };
}

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import pino from 'pino';
import { ConfigError } from '../../common/config';
import type { PayloadKey } from '../../common/payload-keys';
import { startCodecServer } from '../../ops/codec-server';
import type { CodecServerOptions } from '../../ops/codec-server';

const EMAIL = 'katherine.johnson+codec-server@example.test';
const UI = 'http://localhost:8233';
const k1: PayloadKey = { id: 'k1', key: randomBytes(32) };
const k2: PayloadKey = { id: 'k2', key: randomBytes(32) };
const b64 = (value: string) => Buffer.from(value).toString('base64');
const plain = {
  payloads: [
    { metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify({ email: EMAIL })) },
    { metadata: { encoding: b64('binary/null') } },
  ],
};

interface Answer {
  status: number;
  headers: Headers;
  body: { error?: string; message?: string; payloads?: { metadata: Record<string, string>; data: string }[] };
}

async function start(t: TestContext, options: Partial<CodecServerOptions> = {}) {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const server = await startCodecServer({ keys: [k1], port: 0, logger: pino(sink), ...options });
  t.after(() => server.stop());
  async function call(path: string, init: RequestInit = {}): Promise<Answer> {
    const res = await fetch(`${server.url}${path}`, init);
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text ? (JSON.parse(text) as Answer['body']) : {},
    };
  }
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { url: server.url, logs, call, post };
}

describe('codec server', () => {
  it('encodes, then decodes back to the same payloads; logs counts and key ids only', async (t) => {
    const { post, logs } = await start(t);
    const encoded = await post('/encode', plain);
    assert.equal(encoded.status, 200);
    assert.equal(encoded.body.payloads?.length, 2);
    const first = encoded.body.payloads?.[0];
    assert.equal(first?.metadata.encoding, b64('binary/encrypted'));
    assert.equal(first?.metadata['encryption-key-id'], b64('k1'));
    assert.ok(!Buffer.from(first?.data ?? '', 'base64').includes(EMAIL));

    const decoded = await post('/decode', encoded.body);
    assert.equal(decoded.status, 200);
    assert.deepEqual(decoded.body, {
      payloads: [plain.payloads[0], { ...plain.payloads[1], data: '' }],
    });
    // protobuf JSON omits an empty list: the Temporal CLI sends {} and expects no payloads back.
    assert.deepEqual((await post('/decode', {})).body, { payloads: [] });
    // A prefix such as the namespace (the Web UI's {namespace} template) is fine.
    assert.equal((await post('/default/decode', encoded.body)).status, 200);

    const lines = logs.join('');
    assert.match(lines, /"op":"decode","count":2,"keyIds":\["k1"\]/);
    assert.ok(!lines.includes(EMAIL) && !lines.includes(b64(JSON.stringify({ email: EMAIL }))));
  });

  it('answers the Web UI preflight from an allowed origin, and only from it', async (t) => {
    const { call, post } = await start(t, { corsOrigins: [UI] });
    const preflight = (origin: string) =>
      call('/decode', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    const allowed = await preflight(UI);
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), UI);
    assert.equal(allowed.headers.get('access-control-allow-methods'), 'POST, OPTIONS');
    assert.equal(
      allowed.headers.get('access-control-allow-headers'),
      'content-type, x-namespace, authorization',
    );
    assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');

    const foreign = await preflight('http://evil.example');
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    assert.equal(foreign.body.error, 'origin_not_allowed');

    const fromUi = await post('/encode', plain, { origin: UI, 'x-namespace': 'default' });
    assert.equal(fromUi.status, 200);
    assert.equal(fromUi.headers.get('access-control-allow-origin'), UI);
    // A page elsewhere (or one that rebound its DNS name to 127.0.0.1) gets nothing.
    const fromElsewhere = await post('/decode', fromUi.body, { origin: 'http://evil.example' });
    assert.equal(fromElsewhere.status, 403);
    assert.equal(fromElsewhere.body.payloads, undefined);
  });

  it('requires the bearer token when one is configured', async (t) => {
    const { post } = await start(t, { token: 's3cret-token', corsOrigins: [UI] });
    for (const authorization of [undefined, 'Bearer wrong', 'Bearer s3cret-token-and-more', 's3cret-token']) {
      const answer = await post(
        '/encode',
        plain,
        authorization ? { authorization, origin: UI } : { origin: UI },
      );
      assert.equal(answer.status, 401, `authorization ${authorization} was let in`);
      assert.equal(answer.body.error, 'unauthorized');
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer');
      // The browser may read the refusal: it carries the CORS header.
      assert.equal(answer.headers.get('access-control-allow-origin'), UI);
    }
    const ok = await post('/encode', plain, { authorization: 'Bearer s3cret-token' });
    assert.equal(ok.status, 200);
  });

  it('answers bad requests with stable codes that say what is wrong', async (t) => {
    const { post, call } = await start(t, { maxBodyBytes: 1024 });
    const cases: [unknown, number, string, RegExp][] = [
      ['{"payloads": [', 400, 'invalid_json', /not JSON/],
      [[], 400, 'invalid_payloads', /"payloads"/],
      [{ payloads: {} }, 400, 'invalid_payloads', /"payloads"/],
      [{ payloads: [42] }, 400, 'invalid_payloads', /payloads\[0\] must be an object/],
      [
        { payloads: [{ metadata: { encoding: 'not base64!' } }] },
        400,
        'invalid_payloads',
        /payloads\[0\]\.metadata\.encoding must be a base64/,
      ],
      [{ payloads: [{ data: 7 }] }, 400, 'invalid_payloads', /payloads\[0\]\.data must be a base64/],
      [{ payloads: [{ data: 'A'.repeat(2000) }] }, 413, 'body_too_large', /1024-byte limit/],
    ];
    for (const [body, status, error, message] of cases) {
      const answer = await post('/decode', body);
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.equal(answer.body.error, error);
      assert.match(answer.body.message ?? '', message);
    }
    assert.equal((await call('/decode')).body.error, 'method_not_allowed');
    assert.equal((await call('/nope', { method: 'POST' })).body.error, 'not_found');
    assert.deepEqual((await call('/healthz')).body, { status: 'ok' });
  });

  it('names the key id of a payload it cannot decrypt, and nothing of the payload', async (t) => {
    const other = await start(t, { keys: [k2] });
    const encoded = (await other.post('/encode', plain)).body;
    const { post, logs } = await start(t);
    const unknown = await post('/decode', encoded);
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.error, 'payload_key_unknown');
    assert.match(unknown.body.message ?? '', /add key k2 to TEMPORAL_PAYLOAD_KEYS/);

    const mine = (await post('/encode', plain)).body;
    const data = Buffer.from(mine.payloads?.[0]?.data ?? '', 'base64');
    data[20] = data[20]! ^ 0xff;
    const tampered = { payloads: [{ ...mine.payloads?.[0], data: data.toString('base64') }] };
    const answer = await post('/decode', tampered);
    assert.equal(answer.status, 422);
    assert.equal(answer.body.error, 'payload_decryption_failed');
    assert.match(answer.body.message ?? '', /key "k1"/);
    for (const text of [answer.body.message ?? '', logs.join('')]) {
      assert.ok(!text.includes(EMAIL) && !text.includes(data.toString('base64')));
    }
  });

  it('listens beyond loopback only with a token', async (t) => {
    const { url, post } = await start(t, { host: '0.0.0.0', token: 'public-host-token' });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await post('/encode', plain)).status, 401);
    assert.equal((await post('/encode', plain, { authorization: 'Bearer public-host-token' })).status, 200);
  });

  it('refuses to listen beyond loopback without a token', async () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5']) {
      await assert.rejects(
        startCodecServer({ keys: [k1], port: 0, host }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.message.includes(`CODEC_SERVER_HOST is ${host} but CODEC_SERVER_TOKEN is not set`),
      );
    }
  });
});

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import type { HmacProvider } from '../../common/provider-config';
import { verifyHmac } from '../../ingress/providers/hmac';
import { ProviderRejection } from '../../ingress/providers/verify';
import type { ProviderRejectionReason } from '../../ingress/providers/rejection';
import { hmacHeaders, hmacProvider } from '../helpers/providers';

const SECRET = 'acme_secret_current';
const NOW = 1_800_000_000;
const body = JSON.stringify({ event: { id: 'ev_42', kind: 'order.shipped' }, order: { id: 'o_1' } });

function verify(rawBody: string, headers: Record<string, string>, provider = hmacProvider([SECRET])) {
  return verifyHmac(Buffer.from(rawBody), headers, provider, NOW);
}

function assertRejected(fn: () => unknown, reason: ProviderRejectionReason, messagePart?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ProviderRejection, `expected a ProviderRejection, got ${String(err)}`);
    assert.equal(err.reason, reason);
    if (messagePart) assert.match(err.message, messagePart);
    return true;
  });
}

describe('verifyHmac', () => {
  it('returns the id and type from the configured paths and the parsed body', () => {
    const delivery = verify(body, hmacHeaders(body, SECRET, hmacProvider([SECRET]), NOW));
    assert.deepEqual(delivery, { id: 'ev_42', type: 'order.shipped', payload: JSON.parse(body) as unknown });
  });

  it('checks an independently computed signature, in hex and in base64', () => {
    const digest = createHmac('sha256', SECRET).update(`${NOW}.${body}`).digest();
    const timestamp = { 'x-acme-timestamp': String(NOW) };
    assert.equal(
      verify(body, { ...timestamp, 'x-acme-signature': `sha256=${digest.toString('hex')}` }).id,
      'ev_42',
    );
    const base64 = hmacProvider([SECRET], { encoding: 'base64', signaturePrefix: '' });
    assert.equal(
      verify(body, { ...timestamp, 'x-acme-signature': digest.toString('base64') }, base64).id,
      'ev_42',
    );
  });

  it('accepts any of the secrets (rotation)', () => {
    const provider = hmacProvider(['acme_secret_next', SECRET]);
    assert.equal(verify(body, hmacHeaders(body, SECRET, provider, NOW), provider).id, 'ev_42');
  });

  it('rejects a tampered body', () => {
    const headers = hmacHeaders(body, SECRET, hmacProvider([SECRET]), NOW);
    assertRejected(() => verify(body.replace('o_1', 'o_2'), headers), 'signature_mismatch');
  });

  it('rejects a signature made with another secret, naming what to check', () => {
    const headers = hmacHeaders(body, 'someone_else', hmacProvider([SECRET]), NOW);
    assertRejected(() => verify(body, headers), 'signature_mismatch', /secretsVariable.*hex/);
  });

  it('rejects an expired delivery and one from the future', () => {
    const provider = hmacProvider([SECRET]);
    assertRejected(
      () => verify(body, hmacHeaders(body, SECRET, provider, NOW - 301)),
      'timestamp_outside_tolerance',
      /301 s old; the tolerance is 300 s/,
    );
    assertRejected(
      () => verify(body, hmacHeaders(body, SECRET, provider, NOW + 301)),
      'timestamp_outside_tolerance',
      /in the future/,
    );
    assert.equal(verify(body, hmacHeaders(body, SECRET, provider, NOW - 300)).id, 'ev_42');
  });

  it('rejects a replay whose timestamp was refreshed: the timestamp is signed', () => {
    const captured = hmacHeaders(body, SECRET, hmacProvider([SECRET]), NOW - 3600);
    assertRejected(
      () => verify(body, { ...captured, 'x-acme-timestamp': String(NOW) }),
      'signature_mismatch',
    );
  });

  it('without a timestamp header, signs the body alone (replays are then caught by the event id)', () => {
    const provider = hmacProvider([SECRET], { timestamp: undefined });
    const headers = hmacHeaders(body, SECRET, provider);
    assert.deepEqual(Object.keys(headers), ['x-acme-signature']);
    assert.equal(verify(body, headers, provider).id, 'ev_42');
    assert.equal(verify(body, headers, provider).id, 'ev_42', 'the same delivery verifies again');
  });

  it('names a missing signature or timestamp header', () => {
    const headers = hmacHeaders(body, SECRET, hmacProvider([SECRET]), NOW);
    assertRejected(
      () => verify(body, { 'x-acme-timestamp': headers['x-acme-timestamp']! }),
      'missing_signature',
      /Missing x-acme-signature/,
    );
    assertRejected(
      () => verify(body, { 'x-acme-signature': headers['x-acme-signature']! }),
      'missing_signature',
      /Missing x-acme-timestamp/,
    );
  });

  it('rejects a signature without the prefix, in the wrong encoding, or a bad timestamp', () => {
    const headers = hmacHeaders(body, SECRET, hmacProvider([SECRET]), NOW);
    const hex = headers['x-acme-signature']!.slice('sha256='.length);
    assertRejected(
      () => verify(body, { ...headers, 'x-acme-signature': hex }),
      'malformed_signature',
      /"sha256="/,
    );
    assertRejected(
      () => verify(body, { ...headers, 'x-acme-signature': 'sha256=not-hex!' }),
      'malformed_signature',
    );
    assertRejected(() => verify(body, { ...headers, 'x-acme-timestamp': '12abc' }), 'malformed_signature');
  });

  it('rejects a signature of the wrong length without throwing from timingSafeEqual', () => {
    const headers = hmacHeaders(body, SECRET, hmacProvider([SECRET]), NOW);
    assertRejected(
      () => verify(body, { ...headers, 'x-acme-signature': headers['x-acme-signature']!.slice(0, -2) }),
      'signature_mismatch',
    );
  });

  it('rejects a signed body without JSON, an id or a type, naming the path', () => {
    const provider: HmacProvider = hmacProvider([SECRET]);
    const sign = (text: string) => hmacHeaders(text, SECRET, provider, NOW);
    assertRejected(() => verify('{', sign('{')), 'invalid_json');
    const noId = JSON.stringify({ event: { kind: 'order.shipped' } });
    assertRejected(() => verify(noId, sign(noId)), 'not_an_event', /event id at "event.id"/);
    const noType = JSON.stringify({ event: { id: 7 } });
    assertRejected(() => verify(noType, sign(noType)), 'not_an_event', /event type at "event.kind"/);
  });
});

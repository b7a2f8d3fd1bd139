import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyStandardWebhook } from '../../ingress/providers/standard-webhooks';
import { ProviderRejection } from '../../ingress/providers/verify';
import type { ProviderRejectionReason } from '../../ingress/providers/rejection';
import {
  standardWebhooksHeaders,
  standardWebhooksProvider,
  standardWebhooksSecret,
} from '../helpers/providers';

const SECRET = standardWebhooksSecret();
const body = JSON.stringify({
  type: 'user.created',
  timestamp: '2026-01-01T00:00:00Z',
  data: { id: 'user_1' },
});
const provider = standardWebhooksProvider([SECRET]);

function verify(rawBody: string, headers: Record<string, string>, secrets = [SECRET]) {
  return verifyStandardWebhook(Buffer.from(rawBody), headers, standardWebhooksProvider(secrets));
}

function assertRejected(fn: () => unknown, reason: ProviderRejectionReason, messagePart?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ProviderRejection, `expected a ProviderRejection, got ${String(err)}`);
    assert.equal(err.reason, reason);
    if (messagePart) assert.match(err.message, messagePart);
    return true;
  });
}

describe('verifyStandardWebhook', () => {
  it('returns the webhook-id as the event id, the body type as the type, and the parsed body', () => {
    const delivery = verify(body, standardWebhooksHeaders(body, SECRET, { id: 'msg_abc' }));
    assert.deepEqual(delivery, { id: 'msg_abc', type: 'user.created', payload: JSON.parse(body) as unknown });
  });

  it('accepts a delivery signed with any of the secrets (rotation)', () => {
    const next = standardWebhooksSecret();
    assert.equal(verify(body, standardWebhooksHeaders(body, next), [SECRET, next]).type, 'user.created');
    assertRejected(() => verify(body, standardWebhooksHeaders(body, next)), 'signature_mismatch');
  });

  it('rejects a tampered body', () => {
    const tampered = body.replace('user_1', 'user_2');
    assertRejected(() => verify(tampered, standardWebhooksHeaders(body, SECRET)), 'signature_mismatch');
  });

  it('rejects a signature made with another secret, and says where the secret comes from', () => {
    const headers = standardWebhooksHeaders(body, standardWebhooksSecret());
    assertRejected(() => verify(body, headers), 'signature_mismatch', /secretsVariable/);
  });

  it('rejects an expired delivery and a future one', () => {
    const old = standardWebhooksHeaders(body, SECRET, { at: new Date(Date.now() - 6 * 60_000) });
    assertRejected(() => verify(body, old), 'timestamp_outside_tolerance', /too old/);
    const future = standardWebhooksHeaders(body, SECRET, { at: new Date(Date.now() + 6 * 60_000) });
    assertRejected(() => verify(body, future), 'timestamp_outside_tolerance', /too new/);
  });

  it('rejects a replay whose timestamp or id was refreshed: both are signed', () => {
    const captured = standardWebhooksHeaders(body, SECRET, { at: new Date(Date.now() - 10 * 60_000) });
    const refreshed = { ...captured, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) };
    assertRejected(() => verify(body, refreshed), 'signature_mismatch');
    const current = standardWebhooksHeaders(body, SECRET);
    assertRejected(() => verify(body, { ...current, 'webhook-id': 'msg_other' }), 'signature_mismatch');
  });

  it('names every missing header', () => {
    const headers = standardWebhooksHeaders(body, SECRET);
    for (const name of Object.keys(headers)) {
      const without = Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
      assertRejected(() => verify(body, without), 'missing_signature', new RegExp(`Missing ${name}`));
    }
    assertRejected(
      () => verify(body, {}),
      'missing_signature',
      /webhook-id, webhook-timestamp, webhook-signature/,
    );
  });

  it('rejects a timestamp that is not unix seconds', () => {
    const headers = { ...standardWebhooksHeaders(body, SECRET), 'webhook-timestamp': 'yesterday' };
    assertRejected(() => verify(body, headers), 'malformed_signature');
  });

  it('rejects a signed body that is not JSON, or has no type', () => {
    const text = 'not json';
    assertRejected(() => verify(text, standardWebhooksHeaders(text, SECRET)), 'invalid_json');
    const untyped = JSON.stringify({ data: {} });
    assertRejected(() => verify(untyped, standardWebhooksHeaders(untyped, SECRET)), 'not_an_event', /"type"/);
  });

  it('reads the type where the provider says it is', () => {
    const nested = JSON.stringify({ meta: { event: 'email.sent' } });
    const delivery = verifyStandardWebhook(Buffer.from(nested), standardWebhooksHeaders(nested, SECRET), {
      ...provider,
      eventTypePath: ['meta', 'event'],
    });
    assert.equal(delivery.type, 'email.sent');
  });
});

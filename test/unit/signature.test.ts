import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import Stripe from 'stripe';
import { verifyStripeEvent, WebhookRejection } from '../../ingress/stripe-webhook';
import type { RejectionReason } from '../../ingress/stripe-webhook';

const SECRET = 'whsec_test_current';
const OLD_SECRET = 'whsec_test_previous';
const TOLERANCE = 300;
const NOW = 1_700_000_000;

const payload = readFileSync(path.join(__dirname, '../fixtures/stripe-events/customer_updated.json'), 'utf8');
const { webhooks } = Stripe;

function sign(body: string, secret = SECRET, timestamp = NOW): string {
  return webhooks.generateTestHeaderString({ payload: body, secret, timestamp });
}

function verify(body: string, header: string | undefined, secrets = [SECRET]) {
  return verifyStripeEvent(Buffer.from(body, 'utf8'), header, secrets, TOLERANCE, NOW);
}

/** The v1 signature of a header made by generateTestHeaderString. */
function v1(header: string): string {
  return header.split(',v1=')[1] ?? assert.fail(`no v1 in ${header}`);
}

function assertRejected(fn: () => unknown, reason: RejectionReason, messagePart?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof WebhookRejection, `expected a WebhookRejection, got ${String(err)}`);
    assert.equal(err.reason, reason);
    assert.equal(err.status, 400);
    if (messagePart) assert.match(err.message, messagePart);
    return true;
  });
}

describe('verifyStripeEvent', () => {
  it('returns the parsed event for a valid signature', () => {
    const event = verify(payload, sign(payload));
    assert.equal(event.id, 'evt_1IlZRsJDPojXS6LN2AbFmnR4');
    assert.equal(event.type, 'customer.updated');
    assert.equal(event.data.object.object, 'customer');
  });

  it('rejects a tampered body, and says to pass the raw body', () => {
    const tampered = payload.replace('"delinquent": false', '"delinquent": true');
    assert.notEqual(tampered, payload);
    assertRejected(() => verify(tampered, sign(payload)), 'signature_mismatch', /raw request body/);
  });

  it('rejects a re-serialized body (what a JSON body parser would hand over)', () => {
    const reserialized = JSON.stringify(JSON.parse(payload));
    assertRejected(() => verify(reserialized, sign(payload)), 'signature_mismatch');
  });

  it('rejects a signature made with another secret, and names the variable to check', () => {
    assertRejected(
      () => verify(payload, sign(payload, 'whsec_other_endpoint')),
      'signature_mismatch',
      /STRIPE_WEBHOOK_SECRET.*another endpoint/,
    );
  });

  it('accepts a header carrying two v1 signatures during a rotation, whichever secret is configured', () => {
    const header = `t=${NOW},v1=${v1(sign(payload, OLD_SECRET))},v1=${v1(sign(payload, SECRET))}`;
    assert.equal(verify(payload, header, [SECRET]).type, 'customer.updated');
    assert.equal(verify(payload, header, [OLD_SECRET]).type, 'customer.updated');
    assert.equal(verify(payload, header, [OLD_SECRET, SECRET]).type, 'customer.updated');
    assert.equal(verify(payload, header, ['whsec_connect_endpoint', SECRET]).type, 'customer.updated');
    assertRejected(() => verify(payload, header, ['whsec_neither']), 'signature_mismatch');
  });

  it('tries every configured secret: only the second one matches', () => {
    const event = verify(payload, sign(payload, SECRET), ['whsec_connect_endpoint', SECRET]);
    assert.equal(event.id, 'evt_1IlZRsJDPojXS6LN2AbFmnR4');
  });

  it('rejects a timestamp older than the tolerance, and accepts one just inside it', () => {
    assertRejected(
      () => verify(payload, sign(payload, SECRET, NOW - TOLERANCE - 1)),
      'timestamp_outside_tolerance',
      /301 s old.*clock/,
    );
    assert.ok(verify(payload, sign(payload, SECRET, NOW - TOLERANCE)));
  });

  it('rejects a timestamp further in the future than the tolerance (stripe-node alone would accept it)', () => {
    const header = sign(payload, SECRET, NOW + TOLERANCE + 60);
    // The premise: stripe-node checks only the age.
    assert.ok(webhooks.constructEvent(payload, header, SECRET, TOLERANCE, undefined, NOW * 1000));
    assertRejected(() => verify(payload, header), 'timestamp_outside_tolerance', /360 s in the future/);
    assert.ok(verify(payload, sign(payload, SECRET, NOW + TOLERANCE)));
  });

  it('reports a signature mismatch before the timestamp, so a forged request learns nothing about the window', () => {
    assertRejected(() => verify(payload, sign(payload, 'whsec_wrong', NOW - 10_000)), 'signature_mismatch');
  });

  it('rejects a missing or empty header', () => {
    assertRejected(() => verify(payload, undefined), 'missing_signature', /generateTestHeaderString/);
    assertRejected(() => verify(payload, ''), 'missing_signature');
    assertRejected(() => verify(payload, '   '), 'missing_signature');
  });

  it('rejects garbled headers as malformed', () => {
    assertRejected(() => verify(payload, 'garbage'), 'malformed_signature', /t=<unix seconds>,v1=<hex/);
    assertRejected(() => verify(payload, `v1=${v1(sign(payload))}`), 'malformed_signature', /timestamp/);
    assertRejected(() => verify(payload, `t=${NOW}`), 'malformed_signature', /v1=<hex> signature/);
    assertRejected(() => verify(payload, `t=soon,v1=${v1(sign(payload))}`), 'malformed_signature');
  });

  it('ignores v0 signatures: a header with only v0 is malformed, v0 next to a valid v1 is fine', () => {
    const v0 = webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: NOW, scheme: 'v0' });
    assert.match(v0, /^t=\d+,v0=/);
    assertRejected(() => verify(payload, v0), 'malformed_signature');
    const both = `${sign(payload)},v0=${'0'.repeat(64)}`;
    assert.equal(verify(payload, both).type, 'customer.updated');
    // A v0 value that would match must not rescue a bad v1.
    const v0Matching = `t=${NOW},v1=${'0'.repeat(64)},v0=${v1(sign(payload))}`;
    assertRejected(() => verify(payload, v0Matching), 'signature_mismatch');
  });

  it('rejects a correctly signed body that is not JSON as invalid_json', () => {
    const body = 'hello, this is not json';
    assertRejected(() => verify(body, sign(body)), 'invalid_json', /not JSON/);
    assertRejected(() => verify('', sign('')), 'invalid_json');
  });

  it('rejects correctly signed JSON that is not an event, and says which field is wrong', () => {
    const customer = JSON.stringify({ id: 'cus_123', object: 'customer' });
    assertRejected(
      () => verify(customer, sign(customer)),
      'not_a_stripe_event',
      /field "object" must be "event"/,
    );
    const array = '[1,2,3]';
    assertRejected(() => verify(array, sign(array)), 'not_a_stripe_event', /not a JSON object/);
    const thin = JSON.stringify({
      id: 'evt_thin',
      object: 'v2.core.event',
      type: 'v1.billing.meter.error_report_triggered',
    });
    assertRejected(() => verify(thin, sign(thin)), 'not_a_stripe_event', /thin/);
  });

  it('never echoes the body in a rejection message', () => {
    const body = JSON.stringify({ object: 'customer', email: 'jenny@example.com' });
    try {
      verify(body, sign(body));
      assert.fail('expected a rejection');
    } catch (err) {
      assert.ok(err instanceof WebhookRejection);
      assert.doesNotMatch(err.message, /jenny/);
    }
    const notJson = 'jenny@example.com';
    assert.throws(
      () => verify(notJson, sign(notJson)),
      (err: Error) => !err.message.includes('jenny'),
    );
  });
});

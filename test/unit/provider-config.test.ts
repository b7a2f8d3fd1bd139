import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../common/config-error';
import { loadProviders } from '../../common/provider-config';
import { standardWebhooksSecret } from '../helpers/providers';

const SW_SECRET = standardWebhooksSecret();

function load(providers: unknown, extra: Record<string, string> = {}) {
  return loadProviders({
    WEBHOOK_PROVIDERS: typeof providers === 'string' ? providers : JSON.stringify(providers),
    CLERK_SECRET: SW_SECRET,
    ACME_SECRET: 'one, two',
    ...extra,
  });
}

function assertConfigError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.match(err.message, message);
    return true;
  });
}

const clerk = { name: 'clerk', verifier: 'standard-webhooks', secretsVariable: 'CLERK_SECRET' };
const acme = {
  name: 'acme',
  verifier: 'hmac',
  secretsVariable: 'ACME_SECRET',
  signatureHeader: 'X-Acme-Signature',
  encoding: 'base64',
  timestampHeader: 'X-Acme-Timestamp',
  eventIdPath: 'event.id',
};

describe('loadProviders', () => {
  it('is empty when WEBHOOK_PROVIDERS is unset', () => {
    assert.deepEqual(loadProviders({}), []);
  });

  it('reads both verifiers with their defaults, secrets from the named variable', () => {
    assert.deepEqual(load([clerk, acme]), [
      { name: 'clerk', verifier: 'standard-webhooks', secrets: [SW_SECRET], eventTypePath: ['type'] },
      {
        name: 'acme',
        verifier: 'hmac',
        secrets: ['one', 'two'],
        eventTypePath: ['type'],
        signatureHeader: 'x-acme-signature',
        algorithm: 'sha256',
        encoding: 'base64',
        signaturePrefix: '',
        timestamp: { header: 'x-acme-timestamp', toleranceSeconds: 300 },
        eventIdPath: ['event', 'id'],
      },
    ]);
  });

  it('refuses what it cannot use, naming the entry and the field', () => {
    assertConfigError(() => load('[{'), /WEBHOOK_PROVIDERS is not valid JSON/);
    assertConfigError(() => load({ name: 'x' }), /must be a JSON array/);
    assertConfigError(() => load([{ ...clerk, name: 'Clerk!' }]), /\[0\]: "name" must be lower-case/);
    assertConfigError(() => load([{ ...clerk, name: 'stripe' }]), /not "stripe"/);
    assertConfigError(() => load([clerk, clerk]), /names the provider "clerk" twice/);
    assertConfigError(
      () => load([{ ...clerk, verifier: 'svix' }]),
      /\[0\] \(clerk\): "verifier" must be one of standard-webhooks, hmac/,
    );
    assertConfigError(
      () => load([{ ...clerk, secretsVariable: 'UNSET_SECRET' }]),
      /\[0\] \(clerk\) reads its secrets from UNSET_SECRET, which is not set/,
    );
    assertConfigError(
      () => load([clerk], { CLERK_SECRET: 'whsec_!!!' }),
      /not a Standard Webhooks secret: whsec_ followed by base64/,
    );
    assertConfigError(() => load([{ ...acme, encoding: 'binary' }]), /"encoding" must be one of hex, base64/);
    assertConfigError(() => load([{ ...acme, algorithm: 'md5' }]), /"algorithm" must be one of sha256/);
    assertConfigError(() => load([{ ...acme, signatureHeader: 'X Sig' }]), /HTTP header name/);
    assertConfigError(
      () => load([{ ...acme, eventIdPath: 'event..id' }]),
      /"eventIdPath" must be a dot path/,
    );
    assertConfigError(
      () => load([{ ...acme, toleranceSeconds: -1 }]),
      /"toleranceSeconds" must be a positive/,
    );
    const noHeader: Record<string, unknown> = { ...acme };
    delete noHeader.signatureHeader;
    assertConfigError(() => load([noHeader]), /\[0\] \(acme\): "signatureHeader" must be a non-empty string/);
  });
});

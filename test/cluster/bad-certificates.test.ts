/**
 * The production worker and ingress, started from nothing but the environment against the mTLS
 * cluster with certificates that are wrong in each way an operator meets: a file that is not
 * there, an expired client certificate, a server name the server's certificate does not carry, no
 * client certificate, one from another CA, and another CA's file as the server CA. What cannot be
 * seen before connecting stops the worker's start, and makes /readyz answer 503, with a sentence
 * naming the TEMPORAL_TLS_* variable to fix; what can be seen stops the process at start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadIngressConfig, loadWorkerConfig } from '../../common/config';
import {
  createCertificateAuthority,
  issueCertificate,
  issueExpiredCertificate,
  loadCertificateAuthority,
} from '../../dev/certificates';
import { certificatePathsIn } from '../../dev/cluster-certificates';
import { freePort } from '../../dev/dev-server';
import { startIngress } from '../../ingress/server';
import { startWorker } from '../../worker/start-worker';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

type Env = Record<string, string | undefined>;

describe('wrong certificates against the mTLS cluster: clear errors at start and in /readyz', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bad-certificates-'));
  const file = (name: string) => path.join(dir, name);
  let database: TestDatabase;
  // A short start deadline: /readyz waits that long for Temporal before it probes the connection.
  const base: Env = {
    ...process.env,
    STRIPE_WEBHOOK_SECRET: 'whsec_bad_certificates',
    TEMPORAL_START_TIMEOUT_MS: '1000',
  };

  before(async () => {
    const certs = certificatePathsIn(
      process.env.TEST_CLUSTER_CERTS_DIR ?? assert.fail('run through test/run.ts'),
    );
    const ca = await loadCertificateAuthority({
      cert: readFileSync(certs.ca, 'utf8'),
      key: readFileSync(certs.caKey, 'utf8'),
    });
    const expired = await issueExpiredCertificate(ca, 'client');
    const stranger = await createCertificateAuthority('another CA');
    const foreign = await issueCertificate(stranger, { commonName: 'stranger', usage: 'client' });
    for (const [name, pem] of Object.entries({
      'expired.pem': expired.cert,
      'expired-key.pem': expired.key,
      'foreign.pem': foreign.cert,
      'foreign-key.pem': foreign.key,
      'other-ca.pem': stranger.cert,
    }))
      writeFileSync(file(name), pem);
    database = await createTestDatabase();
  });
  after(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The worker's start fails with `pattern`, and the ingress's /readyz says the same. */
  async function refusedAtConnect(env: Env, code: string, pattern: RegExp): Promise<void> {
    await assert.rejects(
      startWorker(loadWorkerConfig({ ...env, DATABASE_URL: database.url }), database.db),
      (err) => {
        assert.match((err as Error).message, /^cannot connect to Temporal: /);
        assert.match((err as Error).message, pattern);
        return true;
      },
    );
    const ingress = await startIngress(loadIngressConfig({ ...env, PORT: String(await freePort()) }));
    try {
      const { port } = ingress.server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.equal(response.status, 503);
      const body = (await response.json()) as { problems: { code: string; message: string }[] };
      assert.deepEqual(
        body.problems.map((problem) => problem.code),
        [code],
      );
      assert.match(body.problems[0]!.message, pattern);
    } finally {
      await ingress.stop();
    }
  }

  it('stops at start on a certificate file that is not there, naming the variable and the file', () => {
    const missing = file('no-such-client.pem');
    assert.throws(
      () => loadWorkerConfig({ ...base, DATABASE_URL: database.url, TEMPORAL_TLS_CLIENT_CERT_PATH: missing }),
      (err) => err instanceof ConfigError && err.message.includes(`TEMPORAL_TLS_CLIENT_CERT_PATH=${missing}`),
    );
  });

  it('stops at start on an expired client certificate, with its date', () => {
    assert.throws(
      () =>
        loadIngressConfig({
          ...base,
          TEMPORAL_TLS_CLIENT_CERT_PATH: file('expired.pem'),
          TEMPORAL_TLS_CLIENT_KEY_PATH: file('expired-key.pem'),
        }),
      /TEMPORAL_TLS_CLIENT_CERT_PATH=.*expired\.pem: the certificate expired on/,
    );
  });

  it("names TEMPORAL_TLS_SERVER_NAME when the server's certificate is not for that name", async () => {
    await refusedAtConnect(
      { ...base, TEMPORAL_TLS_SERVER_NAME: 'wrong.invalid' },
      'tls',
      /certificate is for DNS:localhost, IP Address:127\.0\.0\.1, not "wrong\.invalid": set TEMPORAL_TLS_SERVER_NAME/,
    );
  });

  it('names the client certificate variables when none is given', async () => {
    await refusedAtConnect(
      { ...base, TEMPORAL_TLS_CLIENT_CERT_PATH: undefined, TEMPORAL_TLS_CLIENT_KEY_PATH: undefined },
      'tls',
      /requires a client certificate: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH/,
    );
  });

  it('says the server refused a client certificate from another CA', async () => {
    await refusedAtConnect(
      {
        ...base,
        TEMPORAL_TLS_CLIENT_CERT_PATH: file('foreign.pem'),
        TEMPORAL_TLS_CLIENT_KEY_PATH: file('foreign-key.pem'),
      },
      'tls',
      /refused the client certificate \(TEMPORAL_TLS_CLIENT_CERT_PATH\) with the TLS alert "unknown ca"/,
    );
  });

  it("names TEMPORAL_TLS_SERVER_CA_CERT_PATH when it holds another CA than the server's", async () => {
    await refusedAtConnect(
      { ...base, TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('other-ca.pem') },
      'tls',
      /is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): set TEMPORAL_TLS_SERVER_CA_CERT_PATH/,
    );
  });

  it('names TEMPORAL_TLS when plain gRPC meets the TLS-only server', async () => {
    const plaintext = Object.fromEntries(
      Object.entries(base).filter(([name]) => !name.startsWith('TEMPORAL_TLS')),
    );
    await refusedAtConnect(plaintext, 'tls', /speaks TLS, not plain gRPC: set TEMPORAL_TLS=true/);
  });
});

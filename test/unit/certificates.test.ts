/**
 * dev/certificates.ts: what it issues parses back as the X.509 v3 the cluster's TLS stacks need,
 * and a real TLS server that requires client certificates (as the cluster's frontend does) accepts
 * exactly the right ones.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import {
  createCertificateAuthority,
  issueCertificate,
  issueExpiredCertificate,
  issueWrongNameCertificate,
  LOCAL_SERVER_NAMES,
  loadCertificateAuthority,
} from '../../dev/certificates';
import type { CertificateAuthority, Pem } from '../../dev/certificates';
import { ensureCertificates } from '../../dev/cluster-certificates';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** 'accepted' once the server greeted the client, or the error that ended the connection. */
async function handshake(ca: Pem, server: Pem, client: Partial<Pem>): Promise<'accepted' | Error> {
  const listener = tls.createServer(
    { cert: server.cert, key: server.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true },
    (socket) => socket.end('hello'),
  );
  listener.on('tlsClientError', () => {}); // a refusal is asserted on the client's side
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as AddressInfo;
  try {
    return await new Promise<'accepted' | Error>((resolve) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ca: ca.cert,
        ...client,
      });
      // TLS 1.3 finishes the client's side before the server has judged the client certificate:
      // only the greeting proves acceptance; a refused certificate ends in an alert or a bare close.
      socket.once('data', () => (socket.destroy(), resolve('accepted')));
      socket.once('error', (err: Error) => resolve(err));
      socket.once('close', () => resolve(new Error('closed without a greeting')));
    });
  } finally {
    await new Promise((resolve) => listener.close(resolve));
  }
}

const code = (err: unknown) => (err as { code?: string } | undefined)?.code;

describe('dev/certificates', () => {
  let ca: CertificateAuthority;
  let server: Pem;
  let client: Pem;
  before(async () => {
    ca = await createCertificateAuthority('test CA');
    server = await issueCertificate(ca, { commonName: 'localhost', usage: 'server', ...LOCAL_SERVER_NAMES });
    client = await issueCertificate(ca, { commonName: 'a client', usage: 'client' });
  });

  it('makes a CA that can sign and nothing else', () => {
    const cert = new X509Certificate(ca.cert);
    assert.equal(cert.ca, true);
    assert.equal(cert.subject, 'CN=test CA');
    assert.equal(cert.issuer, cert.subject);
    assert.ok(cert.verify(cert.publicKey), 'self-signed');
    assert.match(ca.key, /^-----BEGIN PRIVATE KEY-----/, 'PKCS#8, which rustls, Go and Node all read');
  });

  it('issues a server certificate for localhost and 127.0.0.1, valid now, serverAuth only', () => {
    const cert = new X509Certificate(server.cert);
    const authority = new X509Certificate(ca.cert);
    assert.equal(cert.ca, false);
    assert.equal(cert.issuer, 'CN=test CA');
    assert.ok(cert.checkIssued(authority) && cert.verify(authority.publicKey));
    assert.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.deepEqual(cert.keyUsage, [SERVER_AUTH]);
    const now = Date.now();
    assert.ok(new Date(cert.validFrom).getTime() < now && now < new Date(cert.validTo).getTime());
  });

  it('issues a client certificate with clientAuth only', () => {
    assert.deepEqual(new X509Certificate(client.cert).keyUsage, [CLIENT_AUTH]);
  });

  it('completes a mutual TLS handshake with the client certificate', async () => {
    assert.equal(await handshake(ca, server, client), 'accepted');
  });

  it('is refused without a client certificate, or with one from another CA', async () => {
    assert.equal(code(await handshake(ca, server, {})), 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    const stranger = await createCertificateAuthority('stranger CA');
    const foreign = await issueCertificate(stranger, { commonName: 'stranger', usage: 'client' });
    assert.equal(new X509Certificate(foreign.cert).checkIssued(new X509Certificate(ca.cert)), false);
    assert.notEqual(await handshake(ca, server, foreign), 'accepted');
  });

  it('makes expired certificates that both sides refuse', async () => {
    const expiredClient = await issueExpiredCertificate(ca, 'client');
    assert.ok(new Date(new X509Certificate(expiredClient.cert).validTo).getTime() < Date.now());
    assert.notEqual(await handshake(ca, server, expiredClient), 'accepted');
    const expiredServer = await issueExpiredCertificate(ca, 'server');
    assert.equal(code(await handshake(ca, expiredServer, client)), 'CERT_HAS_EXPIRED');
  });

  it('makes a wrong-name server certificate that a client dialling localhost refuses', async () => {
    const wrong = await issueWrongNameCertificate(ca);
    assert.equal(new X509Certificate(wrong.cert).checkHost('localhost'), undefined);
    assert.equal(code(await handshake(ca, wrong, client)), 'ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('reloads a CA from its PEM files and goes on issuing under it', async () => {
    const reloaded = await loadCertificateAuthority({ cert: ca.cert, key: ca.key });
    const later = await issueCertificate(reloaded, { commonName: 'later', usage: 'client' });
    assert.equal(await handshake(ca, server, later), 'accepted');
  });
});

describe('dev/cluster-certificates', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'cluster-certs-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the folder once, keeps it while valid, and starts over when a file is damaged', async () => {
    const first = await ensureCertificates(dir);
    assert.equal(first.created, true);
    assert.equal(statSync(first.clientKey).mode & 0o777, 0o600, 'keys are readable by their owner only');
    const pem = (file: string) => readFileSync(file, 'utf8');
    const files = (paths: typeof first) => [paths.ca, paths.server, paths.internode, paths.client].map(pem);
    const handshakeWith = (paths: typeof first) =>
      handshake(
        { cert: pem(paths.ca), key: '' },
        { cert: pem(paths.server), key: pem(paths.serverKey) },
        {
          cert: pem(paths.client),
          key: pem(paths.clientKey),
        },
      );
    assert.equal(await handshakeWith(first), 'accepted');
    assert.deepEqual(new X509Certificate(pem(first.internode)).keyUsage?.sort(), [SERVER_AUTH, CLIENT_AUTH]);

    const second = await ensureCertificates(dir);
    assert.equal(second.created, false);
    assert.deepEqual(files(second), files(first));

    writeFileSync(first.server, 'not a certificate');
    const third = await ensureCertificates(dir);
    assert.equal(third.created, true);
    assert.equal(await handshakeWith(third), 'accepted');
  });
});

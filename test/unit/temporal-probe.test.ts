/**
 * probeTemporal against real local listeners: node:tls servers holding certificates made here
 * (wrong name, foreign CA, expired, requiring a client certificate) and a plain TCP server, so
 * each message is checked against the failure it must name. The same probe runs against the real
 * cluster in test/cluster/bad-certificates.test.ts.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { probeTemporal } from '../../common/temporal-probe';
import type { TemporalConfig } from '../../common/temporal-config';
import {
  createCertificateAuthority,
  issueCertificate,
  issueExpiredCertificate,
  issueWrongNameCertificate,
  LOCAL_SERVER_NAMES,
} from '../../dev/certificates';
import type { CertificateAuthority, Pem } from '../../dev/certificates';

const SETTINGS_FRAME = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

describe('probeTemporal: why a connection to Temporal fails, naming the variable', () => {
  let ca: CertificateAuthority;
  let client: Pem;
  const servers: net.Server[] = [];

  before(async () => {
    ca = await createCertificateAuthority();
    client = await issueCertificate(ca, { commonName: 'client', usage: 'client' });
  });
  after(() => servers.forEach((server) => server.close()));

  /** A TLS listener that answers the HTTP/2 preface with SETTINGS, like a gRPC server. */
  async function tlsServer(pem: Pem, options: tls.TlsOptions = {}): Promise<string> {
    const server = tls.createServer(
      { cert: pem.cert, key: pem.key, ALPNProtocols: ['h2'], ...options },
      (s) => {
        s.on('error', () => {});
        s.once('data', () => s.write(SETTINGS_FRAME));
      },
    );
    return listen(server);
  }

  async function listen(server: net.Server): Promise<string> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  }

  function config(address: string, tlsConfig?: TemporalConfig['tls']): TemporalConfig {
    return { address, namespace: 'default', taskQueue: 'unused', ...(tlsConfig ? { tls: tlsConfig } : {}) };
  }

  const trusted = () => ({
    serverRootCACertificate: Buffer.from(ca.cert),
    clientCertPair: { crt: Buffer.from(client.cert), key: Buffer.from(client.key) },
  });

  it('passes a server with a certificate for the dialled name, issued by the given CA', async () => {
    const server = await issueCertificate(ca, { commonName: 'ok', usage: 'server', ...LOCAL_SERVER_NAMES });
    const address = await tlsServer(server);
    assert.deepEqual(await probeTemporal(config(address, trusted())), { code: 'ok', message: '' });
  });

  it('names the server certificate for the wrong name, and TEMPORAL_TLS_SERVER_NAME', async () => {
    const address = await tlsServer(await issueWrongNameCertificate(ca));
    const result = await probeTemporal(config(address, trusted()));
    assert.equal(result.code, 'server_name');
    assert.match(result.message, /DNS:wrong\.invalid, not "127\.0\.0\.1".*TEMPORAL_TLS_SERVER_NAME/);
  });

  it('names a server certificate from another CA, and TEMPORAL_TLS_SERVER_CA_CERT_PATH', async () => {
    const stranger = await createCertificateAuthority('another CA');
    const address = await tlsServer(
      await issueCertificate(stranger, { commonName: 's', usage: 'server', ...LOCAL_SERVER_NAMES }),
    );
    const result = await probeTemporal(config(address, trusted()));
    assert.equal(result.code, 'server_untrusted');
    assert.match(result.message, /issued by another CA.*TEMPORAL_TLS_SERVER_CA_CERT_PATH/);
  });

  it('names an expired server certificate and when it expired', async () => {
    const address = await tlsServer(await issueExpiredCertificate(ca, 'server'));
    const result = await probeTemporal(config(address, trusted()));
    assert.equal(result.code, 'server_expired');
    assert.match(result.message, /expired on .* GMT/);
  });

  it('names a missing or refused client certificate and TEMPORAL_TLS_CLIENT_CERT_PATH', async () => {
    const server = await issueCertificate(ca, { commonName: 's', usage: 'server', ...LOCAL_SERVER_NAMES });
    const address = await tlsServer(server, { requestCert: true, rejectUnauthorized: true, ca: ca.cert });
    const withoutClient = { serverRootCACertificate: trusted().serverRootCACertificate };
    const required = await probeTemporal(config(address, withoutClient));
    assert.equal(required.code, 'client_cert_required');
    assert.match(required.message, /requires a client certificate: set TEMPORAL_TLS_CLIENT_CERT_PATH/);

    const stranger = await createCertificateAuthority('another CA');
    const foreign = await issueCertificate(stranger, { commonName: 'f', usage: 'client' });
    const refused = await probeTemporal(
      config(address, {
        ...withoutClient,
        clientCertPair: { crt: Buffer.from(foreign.cert), key: Buffer.from(foreign.key) },
      }),
    );
    assert.equal(refused.code, 'client_cert_refused');
    assert.match(refused.message, /refused the client certificate \(TEMPORAL_TLS_CLIENT_CERT_PATH\)/);
  });

  it('tells TLS and plaintext apart, both ways, and a closed port', async () => {
    const plain = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.write(SETTINGS_FRAME));
    });
    const plainAddress = await listen(plain);
    assert.equal((await probeTemporal(config(plainAddress))).code, 'ok');
    const notTls = await probeTemporal(config(plainAddress, trusted()));
    assert.equal(notTls.code, 'not_tls');
    assert.match(notTls.message, /does not speak TLS: unset TEMPORAL_TLS/);

    const server = await issueCertificate(ca, { commonName: 's', usage: 'server', ...LOCAL_SERVER_NAMES });
    const tlsRequired = await probeTemporal(config(await tlsServer(server)));
    assert.equal(tlsRequired.code, 'tls_required');
    assert.match(tlsRequired.message, /speaks TLS.*set TEMPORAL_TLS=true/);

    const closed = new net.Server();
    const closedAddress = await listen(closed);
    closed.close();
    const refused = await probeTemporal(config(closedAddress));
    assert.equal(refused.code, 'refused');
    assert.match(refused.message, /nothing listens at TEMPORAL_ADDRESS=127\.0\.0\.1:\d+/);
  });
});

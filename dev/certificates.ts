/**
 * Throwaway certificates for a local mTLS Temporal cluster: a CA, and leaf certificates it signs
 * for the frontend (serverAuth), for the services' own internode traffic (both), and for clients
 * (clientAuth). X.509 v3 with basicConstraints, keyUsage, extendedKeyUsage, SAN and key
 * identifiers, because the SDK's NativeConnection verifies with rustls (webpki), which rejects a
 * CA without keyCertSign, a leaf without SAN, or a leaf that is itself a CA.
 *
 * ECDSA P-256: accepted by rustls, Go's crypto/tls (server, UI server, CLI) and Node's TLS alike.
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its ASN.1 formatters with tsyringe, which needs it
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// tsconfig has no DOM lib, so the WebCrypto types come from Node's.
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
// @peculiar/x509 signs with globalThis.crypto, which is Node's webcrypto since Node 19.

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600 * 1000;

export interface Pem {
  cert: string;
  key: string;
}

export interface CertificateAuthority extends Pem {
  keys: CryptoKeyPair;
  certificate: x509.X509Certificate;
}

export type Usage = 'server' | 'client' | 'server-and-client';

export interface LeafOptions {
  commonName: string;
  usage: Usage;
  /** Subject alternative names; a server certificate needs the name clients dial or override to. */
  dnsNames?: string[];
  ipAddresses?: string[];
  notBefore?: Date;
  notAfter?: Date;
}

/** Positive, 16 random bytes: unique enough that no verifier sees two certificates share one. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
}

export async function createCertificateAuthority(
  commonName = 'stripe-temporal local CA',
  validDays = 365,
): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${commonName}`,
    // An hour back: a verifier whose clock is a little behind still accepts it.
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + validDays * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { keys, certificate, cert: certificate.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

/** Reloads a CA written earlier (cert and PKCS#8 key PEM), so a reused folder can issue more. */
export async function loadCertificateAuthority(pem: Pem): Promise<CertificateAuthority> {
  const certificate = new x509.X509Certificate(pem.cert);
  const privateKey = await webcrypto.subtle.importKey(
    'pkcs8',
    x509.PemConverter.decodeFirst(pem.key),
    ALGORITHM,
    true,
    ['sign'],
  );
  const publicKey = await webcrypto.subtle.importKey('spki', certificate.publicKey.rawData, ALGORITHM, true, [
    'verify',
  ]);
  return { ...pem, certificate, keys: { privateKey, publicKey } };
}

const EKU: Record<Usage, x509.ExtendedKeyUsage[]> = {
  server: [x509.ExtendedKeyUsage.serverAuth],
  client: [x509.ExtendedKeyUsage.clientAuth],
  'server-and-client': [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
};

export async function issueCertificate(ca: CertificateAuthority, options: LeafOptions): Promise<Pem> {
  const keys = await generateKeys();
  const now = Date.now();
  const names: x509.JsonGeneralNames = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(EKU[options.usage], false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${options.commonName}`,
    issuer: ca.certificate.subject,
    notBefore: options.notBefore ?? new Date(now - 3600_000),
    notAfter: options.notAfter ?? new Date(now + 365 * DAY_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions,
  });
  return { cert: certificate.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

/** The names every local listener is reached by: `localhost` and 127.0.0.1. */
export const LOCAL_SERVER_NAMES = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };

/** Validity ended yesterday: a verifier must refuse it ("certificate has expired"). */
export function issueExpiredCertificate(ca: CertificateAuthority, usage: Usage): Promise<Pem> {
  const now = Date.now();
  return issueCertificate(ca, {
    commonName: `expired ${usage}`,
    usage,
    ...LOCAL_SERVER_NAMES,
    notBefore: new Date(now - 2 * DAY_MS),
    notAfter: new Date(now - DAY_MS),
  });
}

/** A valid server certificate for another host: clients dialling `localhost` must refuse it. */
export function issueWrongNameCertificate(ca: CertificateAuthority): Promise<Pem> {
  return issueCertificate(ca, { commonName: 'wrong.invalid', usage: 'server', dnsNames: ['wrong.invalid'] });
}

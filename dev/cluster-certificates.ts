/**
 * The PEM files a local mTLS cluster runs with, in one folder, kept across runs while they stay
 * valid (so a person's exported TEMPORAL_TLS_* paths keep working), renewed when they would expire.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCertificateAuthority, issueCertificate, LOCAL_SERVER_NAMES } from './certificates';
import type { Pem } from './certificates';

/** The name every certificate here is issued for; clients verify the server against it. */
export const SERVER_NAME = 'localhost';

const FILES = {
  ca: 'ca.pem',
  caKey: 'ca-key.pem',
  server: 'server.pem',
  serverKey: 'server-key.pem',
  internode: 'internode.pem',
  internodeKey: 'internode-key.pem',
  client: 'client.pem',
  clientKey: 'client-key.pem',
} as const;

export type CertificatePaths = Record<keyof typeof FILES, string>;

/** Where ensureCertificates keeps each file in `dir`. */
export function certificatePathsIn(dir: string): CertificatePaths {
  const entries = Object.entries(FILES).map(([name, file]) => [name, path.join(dir, file)]);
  return Object.fromEntries(entries) as CertificatePaths;
}

/** True when every file is there, signed by the CA there, and valid for `marginMs` more. */
function reusable(paths: CertificatePaths, marginMs: number): boolean {
  if (!Object.values(paths).every((file) => existsSync(file))) return false;
  try {
    const ca = new X509Certificate(readFileSync(paths.ca));
    const leaves = [paths.server, paths.internode, paths.client].map(
      (file) => new X509Certificate(readFileSync(file)),
    );
    const until = Date.now() + marginMs;
    return [ca, ...leaves].every(
      (cert) =>
        new Date(cert.validTo).getTime() > until &&
        (cert === ca || (cert.checkIssued(ca) && cert.verify(ca.publicKey))),
    );
  } catch {
    return false; // unreadable or foreign files: start over
  }
}

function write(certFile: string, keyFile: string, pem: Pem): void {
  writeFileSync(certFile, pem.cert);
  writeFileSync(keyFile, pem.key, { mode: 0o600 });
}

/**
 * Writes a CA, and the certificates it signs for:
 *   server     the frontend, which clients reach (serverAuth, SAN localhost and 127.0.0.1)
 *   internode  history, matching, worker and frontend among themselves: each side is server and
 *              client of the others with it, so it carries both EKUs
 *   client     SDK clients, the CLI, the UI server and the system worker (clientAuth)
 */
export async function ensureCertificates(
  dir: string,
  renewWithinDays = 7,
): Promise<CertificatePaths & { created: boolean }> {
  const paths = certificatePathsIn(dir);
  if (reusable(paths, renewWithinDays * 24 * 3600 * 1000)) return { ...paths, created: false };
  mkdirSync(dir, { recursive: true });
  const ca = await createCertificateAuthority();
  write(paths.ca, paths.caKey, ca);
  const server = await issueCertificate(ca, {
    commonName: SERVER_NAME,
    usage: 'server',
    ...LOCAL_SERVER_NAMES,
  });
  write(paths.server, paths.serverKey, server);
  const internode = await issueCertificate(ca, {
    commonName: 'temporal internode',
    usage: 'server-and-client',
    ...LOCAL_SERVER_NAMES,
  });
  write(paths.internode, paths.internodeKey, internode);
  const client = await issueCertificate(ca, { commonName: 'stripe-temporal client', usage: 'client' });
  write(paths.client, paths.clientKey, client);
  return { ...paths, created: true };
}

/**
 * Where and how to reach Temporal, read exactly as the Temporal CLI reads it: `@temporalio/envconfig`
 * takes TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS, TEMPORAL_TLS_* and
 * TEMPORAL_GRPC_META_* from the environment, over the profile TEMPORAL_PROFILE of the temporal.toml
 * at TEMPORAL_CONFIG_FILE (or the CLI's default path). An API key implies TLS, as in the CLI.
 *
 * envconfig quietly drops a client certificate that has no key and fails on an unreadable file
 * with a bare ENOENT, so the TLS material is checked here first, naming the variable to fix.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadClientConfigProfile, toClientOptions } from '@temporalio/envconfig';
import type { ClientConfigProfile, ConfigDataSource } from '@temporalio/envconfig';
import type { TLSConfig } from '@temporalio/client';
import { ConfigError } from './config-error';
import { DEFAULT_TASK_QUEUE } from './event-workflow';
import { loadPayloadEncryption } from './payload-keys';
import type { PayloadKey } from './payload-keys';

type Env = Record<string, string | undefined>;

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** false or absent: plain gRPC; true: TLS with the system's roots; an object: CA, mTLS, server name. */
  tls?: TLSConfig | boolean | undefined;
  apiKey?: string | undefined;
  /** gRPC headers sent with every call (TEMPORAL_GRPC_META_<NAME>). */
  metadata?: Record<string, string> | undefined;
  /** Payloads (events, results, failures) encrypted with the first, decrypted with any; absent: plaintext. */
  payloadKeys?: readonly PayloadKey[] | undefined;
}

const MISSING_KEYS =
  "TEMPORAL_PAYLOAD_KEYS is not set: events carry customers' emails, names and addresses, and " +
  'Temporal keeps every workflow input in its history for the namespace retention. Give one or more ' +
  'AES-256 keys as kid:base64 (e.g. TEMPORAL_PAYLOAD_KEYS=k1:$(openssl rand -base64 32)), the same ' +
  'on every process, or TEMPORAL_PAYLOAD_KEYS_FILE; or set TEMPORAL_PAYLOAD_ENCRYPTION=off to keep ' +
  'payloads in plaintext.';

function payloadKeys(env: Env): readonly PayloadKey[] | undefined {
  const encryption = loadPayloadEncryption(env);
  if (encryption.mode === 'missing') throw new ConfigError(MISSING_KEYS);
  return encryption.mode === 'encrypted' ? encryption.keys : undefined;
}

/** Which of the CLI's variables (or temporal.toml keys) hold each piece of TLS material. */
const TLS_SOURCES = {
  clientCert: ['TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_DATA', 'client_cert_path'],
  clientKey: ['TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_CLIENT_KEY_DATA', 'client_key_path'],
  serverCACert: [
    'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
    'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
    'server_ca_cert_path',
  ],
} as const;

type TlsPiece = keyof typeof TLS_SOURCES;

function definedOnly(env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** The variable a piece came from: the environment's wins over the profile's, as in envconfig. */
function sourceName(env: Env, piece: TlsPiece, source: ConfigDataSource): string {
  const [pathVariable, dataVariable, tomlKey] = TLS_SOURCES[piece];
  if ('path' in source)
    return env[pathVariable] ? `${pathVariable}=${source.path}` : `${tomlKey} ${source.path}`;
  return env[dataVariable] ? dataVariable : `${tomlKey.replace('_path', '_data')}`;
}

function readPem(env: Env, piece: TlsPiece, source: ConfigDataSource): string {
  const name = sourceName(env, piece, source);
  let text: string;
  try {
    text = 'path' in source ? readFileSync(source.path, 'utf8') : Buffer.from(source.data).toString('utf8');
  } catch (err) {
    throw new ConfigError(
      `${name}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  const expected =
    piece === 'clientKey' ? /-----BEGIN [A-Z ]*PRIVATE KEY-----/ : /-----BEGIN CERTIFICATE-----/;
  if (!expected.test(text)) {
    const what = piece === 'clientKey' ? 'a PEM private key' : 'a PEM certificate';
    throw new ConfigError(`${name}: not ${what} (expected a "-----BEGIN ..." block)`);
  }
  if (piece !== 'clientKey') assertCurrentlyValid(name, text);
  return text;
}

/** An expired certificate fails every handshake later with a vague error; say so at start. */
function assertCurrentlyValid(name: string, pem: string): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch (err) {
    throw new ConfigError(`${name}: the certificate does not parse (${String(err)})`);
  }
  const now = Date.now();
  if (Date.parse(certificate.validTo) < now) {
    throw new ConfigError(`${name}: the certificate expired on ${certificate.validTo}; issue a new one`);
  }
  if (Date.parse(certificate.validFrom) > now) {
    throw new ConfigError(`${name}: the certificate is not valid before ${certificate.validFrom}`);
  }
}

function checkTls(env: Env, profile: ClientConfigProfile): void {
  const tls = profile.tls;
  if (!tls || tls.disabled) return;
  const pem: Partial<Record<TlsPiece, string>> = {};
  for (const piece of Object.keys(TLS_SOURCES) as TlsPiece[]) {
    const source = tls[piece];
    if (source) pem[piece] = readPem(env, piece, source);
  }
  if (Boolean(tls.clientCert) !== Boolean(tls.clientKey)) {
    const [has, lacks] = tls.clientCert
      ? (['clientCert', 'clientKey'] as const)
      : (['clientKey', 'clientCert'] as const);
    throw new ConfigError(
      `${sourceName(env, has, tls[has]!)} is set but not its pair: set ${TLS_SOURCES[lacks][0]} ` +
        `(or ${TLS_SOURCES[lacks][1]}) too, since mTLS needs both the client certificate and its key`,
    );
  }
  if (pem.clientCert && pem.clientKey) {
    assertKeyMatches(sourceName(env, 'clientCert', tls.clientCert!), pem.clientCert, {
      name: sourceName(env, 'clientKey', tls.clientKey!),
      pem: pem.clientKey,
    });
  }
}

/** A key from another pair fails the handshake with a bare "bad certificate"; say which files. */
function assertKeyMatches(certName: string, certPem: string, key: { name: string; pem: string }): void {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key.pem);
  } catch (err) {
    throw new ConfigError(
      `${key.name}: the private key does not parse (${(err as Error).message}); give an unencrypted PEM key`,
    );
  }
  if (!new X509Certificate(certPem).checkPrivateKey(privateKey)) {
    throw new ConfigError(
      `${key.name} is not the private key of ${certName}: give the key the certificate was issued for`,
    );
  }
}

function loadProfile(env: Env): ClientConfigProfile {
  try {
    return loadClientConfigProfile({ overrideEnvVars: definedOnly(env) });
  } catch (err) {
    const file = env.TEMPORAL_CONFIG_FILE
      ? `TEMPORAL_CONFIG_FILE=${env.TEMPORAL_CONFIG_FILE}`
      : 'temporal.toml';
    const profile = env.TEMPORAL_PROFILE ? `, TEMPORAL_PROFILE=${env.TEMPORAL_PROFILE}` : '';
    throw new ConfigError(`Temporal client configuration (${file}${profile}): ${(err as Error).message}`);
  }
}

export function loadTemporalConfig(env: Env = process.env): TemporalConfig {
  const profile = loadProfile(env);
  checkTls(env, profile);
  const { connectionOptions, namespace } = toClientOptions(profile);
  const taskQueue = env.TEMPORAL_TASK_QUEUE?.trim();
  return {
    address: connectionOptions.address?.trim() || 'localhost:7233',
    namespace: namespace?.trim() || 'default',
    taskQueue: taskQueue || DEFAULT_TASK_QUEUE,
    tls: connectionOptions.tls ?? undefined,
    apiKey: typeof connectionOptions.apiKey === 'string' ? connectionOptions.apiKey : undefined,
    metadata: profile.grpcMeta,
    payloadKeys: payloadKeys(env),
  };
}

/** For logs: how the process connects, never the key or the certificates themselves. */
export function describeTemporal(config: TemporalConfig): Record<string, string | boolean> {
  const tls = config.tls;
  const mode = !tls ? 'plaintext' : tls === true || !tls.clientCertPair ? 'tls' : 'mtls';
  return {
    temporalAddress: config.address,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    tls: mode,
    apiKey: config.apiKey !== undefined,
    payloads: config.payloadKeys ? `encrypted with key ${config.payloadKeys[0]?.id}` : 'plaintext',
  };
}

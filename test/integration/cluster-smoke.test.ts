/**
 * The real cluster (dev/cluster.ts) end to end: temporal-server v1.29.1 on private databases of the
 * test Postgres, reached over mTLS only. It registers the namespace with the contract's search
 * attributes on SQL visibility, keeps a started workflow across a SIGKILL of the server, refuses
 * clients without a certificate from its CA, and drops its databases on stop.
 *
 * The binaries are found or built like the Temporal CLI (dev/temporal-server.ts; a first build
 * takes minutes, and without Go the test fails naming TEMPORAL_SERVER_PATH). About 12 s after that.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import postgres from 'postgres';
import { PROCESS_STRIPE_EVENT } from '../../common/event-workflow';
import {
  SEARCH_ATTRIBUTE_DEFINITIONS,
  StripeEventType,
  StripeLivemode,
} from '../../common/search-attributes';
import { loadTemporalConfig } from '../../common/temporal-config';
import { connectClient, connectNativeConnection } from '../../common/temporal-connection';
import type { TemporalConfig } from '../../common/temporal-connection';
import {
  createCertificateAuthority,
  issueCertificate,
  issueExpiredCertificate,
  loadCertificateAuthority,
} from '../../dev/certificates';
import { clusterTlsConfig, startCluster } from '../../dev/cluster';
import type { Cluster } from '../../dev/cluster';
import type { Pem } from '../../dev/certificates';
import { RETENTION_DAYS } from '../../dev/namespace';
import { findTemporalCli } from '../../dev/temporal-cli';
import { ADMIN_DATABASE_URL } from '../helpers/db';

const NAMESPACE = 'stripe-smoke';
const run = promisify(execFile);

async function databasesNamed(prefix: string): Promise<string[]> {
  const sql = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<
      { datname: string }[]
    >`select datname from pg_database where datname like ${`${prefix}%`}`;
    return rows.map((row) => row.datname);
  } finally {
    await sql.end();
  }
}

/**
 * NativeConnection is the worker's: rustls, which is stricter about certificates than grpc-js, and
 * which reports a refused handshake at once where grpc-js only times out.
 */
async function nativeConnect(cluster: Cluster, client?: Pem | 'plaintext'): Promise<void> {
  const { serverRootCACertificate, serverNameOverride } = clusterTlsConfig(cluster.tls);
  const clientCertPair =
    typeof client === 'object' ? { crt: Buffer.from(client.cert), key: Buffer.from(client.key) } : undefined;
  const config: TemporalConfig = {
    address: cluster.address,
    namespace: NAMESPACE,
    taskQueue: 'unused',
    tls:
      client === 'plaintext'
        ? undefined
        : { serverRootCACertificate, serverNameOverride, ...(clientCertPair ? { clientCertPair } : {}) },
  };
  const connection = await connectNativeConnection(config);
  try {
    await connection.workflowService.getSystemInfo({});
  } finally {
    await connection.close();
  }
}

const readPem = (cert: string, key: string): Pem => ({
  cert: readFileSync(cert, 'utf8'),
  key: readFileSync(key, 'utf8'),
});

/** The Temporal CLI, configured only through the TEMPORAL_* variables the cluster hands out. */
async function temporalCli(cluster: Cluster, args: string[], env: Record<string, string | undefined>) {
  const cli = findTemporalCli();
  assert.ok(cli, 'the Temporal CLI is installed (test/run.ts builds it for the dev server)');
  return run(cli.path, args, { env: { PATH: process.env.PATH, HOME: os.tmpdir(), ...cluster.env, ...env } });
}

describe('a real Temporal cluster on Postgres with mTLS', () => {
  const prefix = `smoke_${randomBytes(4).toString('hex')}_`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cluster-smoke-'));
  const workflowId = `evt_smoke_${randomBytes(6).toString('hex')}`;
  let cluster: Cluster | undefined;
  let client: Client | undefined;

  before(async () => {
    cluster = await startCluster({
      dir,
      databasePrefix: prefix,
      namespace: NAMESPACE,
      ui: false,
      postgresUrl: ADMIN_DATABASE_URL,
      log: () => {},
    });
    // Exactly the variables `npm run cluster` prints, read by the project's one configuration loader.
    client = await connectClient(
      loadTemporalConfig({ HOME: dir, ...cluster.env, TEMPORAL_PAYLOAD_ENCRYPTION: 'off' }),
    );
  });

  after(async () => {
    await client?.connection.close();
    await cluster?.stop({ dropDatabases: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers the namespace with 30-day retention and the contract search attributes', async () => {
    const described = await client!.workflowService.describeNamespace({ namespace: NAMESPACE });
    assert.equal(
      Number(described.config?.workflowExecutionRetentionTtl?.seconds),
      RETENTION_DAYS * 24 * 3600,
    );
    const { customAttributes } = await client!.connection.operatorService.listSearchAttributes({
      namespace: NAMESPACE,
    });
    assert.deepEqual(
      Object.keys(customAttributes ?? {}).sort(),
      Object.keys(SEARCH_ATTRIBUTE_DEFINITIONS).sort(),
    );
  });

  it('starts a workflow with no worker, describes it, and finds it by search attribute', async () => {
    const handle = await client!.workflow.start(PROCESS_STRIPE_EVENT, {
      workflowId,
      taskQueue: 'cluster-smoke-no-worker',
      args: [],
      typedSearchAttributes: [
        { key: StripeEventType, value: 'customer.created' },
        { key: StripeLivemode, value: false },
      ],
    });
    const description = await handle.describe();
    assert.equal(description.status.name, 'RUNNING');
    assert.deepEqual(description.typedSearchAttributes.get(StripeEventType), 'customer.created');
    // SQL visibility is written asynchronously, moments after the start.
    const query = `WorkflowId = '${workflowId}' AND StripeEventType = 'customer.created' AND StripeLivemode = false`;
    for (let attempt = 0; ; attempt++) {
      const { count } = await client!.workflow.count(query);
      if (count === 1) break;
      assert.ok(attempt < 40, `visibility never listed ${workflowId}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  it("is reached by the worker's rustls connection and by the Temporal CLI with the client certificate", async () => {
    await nativeConnect(cluster!, readPem(cluster!.tls.certPath, cluster!.tls.keyPath));
    const { stdout } = await temporalCli(
      cluster!,
      ['workflow', 'describe', '--workflow-id', workflowId, '--output', 'json'],
      {},
    );
    assert.equal(
      (JSON.parse(stdout) as { workflowExecutionInfo: { status: string } }).workflowExecutionInfo.status,
      'WORKFLOW_EXECUTION_STATUS_RUNNING',
    );
  });

  it('refuses clients without a certificate, with one it did not issue, or with an expired one', async () => {
    // rustls's own TransportError stays the cause; the message is the probe's, naming what to fix.
    const refused = (pattern: RegExp) => (err: unknown) => {
      assert.match((err as Error).message, pattern);
      assert.equal(((err as Error).cause as Error | undefined)?.name, 'TransportError');
      return true;
    };
    await assert.rejects(nativeConnect(cluster!), refused(/requires a client certificate/));
    await assert.rejects(
      temporalCli(cluster!, ['workflow', 'list'], {
        TEMPORAL_TLS_CLIENT_CERT_PATH: undefined,
        TEMPORAL_TLS_CLIENT_KEY_PATH: undefined,
      }),
      // The server's alert, or, when the CLI was still writing as it closed, the closed connection.
      /certificate required|broken pipe|connection reset/,
    );
    const stranger = await createCertificateAuthority('some other CA');
    const foreign = await issueCertificate(stranger, { commonName: 'stranger', usage: 'client' });
    await assert.rejects(
      nativeConnect(cluster!, foreign),
      refused(/refused the client certificate.*"unknown ca"/),
    );
    const { ca, caKey } = cluster!.certificates;
    const ownCa = await loadCertificateAuthority(readPem(ca, caKey));
    await assert.rejects(
      nativeConnect(cluster!, await issueExpiredCertificate(ownCa, 'client')),
      refused(/refused the client certificate.*"certificate expired"/),
    );
    // And plain gRPC, without TLS at all.
    await assert.rejects(nativeConnect(cluster!, 'plaintext'), refused(/speaks TLS, not plain gRPC/));
  });

  it('keeps the workflow across a SIGKILL of the server and a start on the same databases', async () => {
    const pid = cluster!.pid;
    await cluster!.kill();
    assert.match(cluster!.exitReason() ?? '', /SIGKILL/);
    await cluster!.start();
    assert.notEqual(cluster!.pid, pid);
    const description = await client!.workflow.getHandle(workflowId).describe();
    assert.equal(description.status.name, 'RUNNING');
  });

  it('drops both databases on stop', async () => {
    assert.equal((await databasesNamed(prefix)).length, 2);
    await client!.connection.close();
    client = undefined;
    await cluster!.stop({ dropDatabases: true });
    cluster = undefined;
    assert.deepEqual(await databasesNamed(prefix), []);
  });
});

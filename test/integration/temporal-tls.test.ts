/**
 * Every process connects over TLS exactly as it would to a TLS cluster or Temporal Cloud, from the
 * Temporal CLI's own variables. The dev server has no TLS, so a TLS-terminating proxy the test
 * starts stands in front of it (test/helpers/grpc-tls-proxy.ts), with certificates made here:
 *
 * - mTLS: the real ingress (grpc-js), the real worker start-up (the SDK's Rust core, rustls) and
 *   the ops CLI reach Temporal with a client certificate; an event flows to Postgres. Without the
 *   certificate the handshake is refused, /readyz says not ready and a webhook gets 503.
 * - API key: every call carries `authorization: Bearer <key>` (what Temporal Cloud checks); a
 *   wrong key is refused and the webhook gets 503.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { loadIngressConfig, loadWorkerConfig } from '../../common/config';
import { connectClient } from '../../common/temporal-connection';
import { loadTemporalConfig } from '../../common/temporal-config';
import { createCertificateAuthority, issueCertificate, LOCAL_SERVER_NAMES } from '../../dev/certificates';
import { freePort } from '../../dev/dev-server';
import { fixtureEvent } from '../../dev/fixtures';
import { startIngress } from '../../ingress/server';
import type { RunningIngress } from '../../ingress/server';
import { runCommand } from '../../ops/cli';
import { createOps, loadOpsConfig } from '../../ops/context';
import { startWorker } from '../../worker/start-worker';
import type { RunningWorker } from '../../worker/start-worker';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { ledgerRows } from '../helpers/events';
import { startGrpcTlsProxy } from '../helpers/grpc-tls-proxy';
import type { GrpcTlsProxy } from '../helpers/grpc-tls-proxy';
import { waitFor } from '../helpers/stack';
import { testTemporalAddress, uniqueTaskQueue } from '../helpers/temporal';

const SECRET = 'whsec_tls_test';
type Env = Record<string, string | undefined>;

async function post(ingress: RunningIngress, event: object): Promise<{ status: number; body: unknown }> {
  const payload = JSON.stringify(event);
  const { port } = ingress.server.address() as { port: number };
  const response = await fetch(`http://127.0.0.1:${port}/webhooks/stripe`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
    },
    body: payload,
  });
  return { status: response.status, body: await response.json() };
}

async function readyz(ingress: RunningIngress): Promise<number> {
  const { port } = ingress.server.address() as { port: number };
  return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
}

/** The ingress and the worker of production, started from nothing but `env`. */
async function startPipeline(env: Env, database: TestDatabase) {
  const worker = await startWorker(loadWorkerConfig({ ...env, DATABASE_URL: database.url }), database.db);
  const ingress = await startIngress(loadIngressConfig({ ...env, PORT: String(await freePort()) }));
  return { worker, ingress };
}

describe('Temporal over TLS, from the Temporal CLI variables', () => {
  let dir: string;
  let database: TestDatabase;
  let base: Env;
  const file = (name: string) => path.join(dir, name);
  const stops: (() => Promise<unknown>)[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'temporal-tls-'));
    const ca = await createCertificateAuthority();
    const server = await issueCertificate(ca, {
      commonName: 'proxy',
      usage: 'server',
      ...LOCAL_SERVER_NAMES,
    });
    const client = await issueCertificate(ca, { commonName: 'pipeline', usage: 'client' });
    for (const [name, pem] of Object.entries({
      'ca.pem': ca.cert,
      'server.pem': server.cert,
      'server-key.pem': server.key,
      'client.pem': client.cert,
      'client-key.pem': client.key,
    }))
      writeFileSync(file(name), pem);
    database = await createTestDatabase();
    base = {
      ...process.env,
      STRIPE_WEBHOOK_SECRET: SECRET,
      WORKFLOW_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('ca.pem'),
    };
  });
  after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function proxy(options: { requireClientCert?: boolean; apiKey?: string }): Promise<GrpcTlsProxy> {
    const started = await startGrpcTlsProxy({
      target: testTemporalAddress(),
      cert: readFileSync(file('server.pem'), 'utf8'),
      key: readFileSync(file('server-key.pem'), 'utf8'),
      ca: readFileSync(file('ca.pem'), 'utf8'),
      ...options,
    });
    stops.push(() => started.close());
    return started;
  }

  function track(pipeline: { worker: RunningWorker; ingress: RunningIngress }) {
    stops.push(
      () => pipeline.worker.stop(),
      () => pipeline.ingress.stop(),
    );
    return pipeline;
  }

  it('mTLS: an event flows ingress → worker → Postgres, and the ops CLI reads it', async () => {
    const front = await proxy({ requireClientCert: true });
    const env = {
      ...base,
      TEMPORAL_ADDRESS: front.address,
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('mtls'),
      TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: file('client-key.pem'),
    };
    const { ingress } = track(await startPipeline(env, database));
    assert.equal(await readyz(ingress), 200);
    const event = fixtureEvent('customer.created');
    assert.equal((await post(ingress, event)).status, 200);
    await waitFor(
      async () => ((await ledgerRows(database.db, event.id)).length === 1 ? true : undefined),
      'the ledger row',
    );

    const ops = createOps(loadOpsConfig({ ...env, DATABASE_URL: database.url }));
    try {
      const status = await runCommand(ops, ['status', event.id, '--json']);
      assert.match(JSON.stringify(status.value), /"applied"/);
    } finally {
      await ops.close();
    }
  });

  it('mTLS without the client certificate: refused, /readyz not ready, webhooks 503', async () => {
    const front = await proxy({ requireClientCert: true });
    const env = {
      ...base,
      TEMPORAL_ADDRESS: front.address,
      TEMPORAL_TLS: 'true',
      TEMPORAL_START_TIMEOUT_MS: '2000',
    };
    const ingress = await startIngress(loadIngressConfig({ ...env, PORT: String(await freePort()) }));
    stops.push(() => ingress.stop());
    assert.equal(await readyz(ingress), 503);
    const answer = await post(ingress, fixtureEvent('customer.created'));
    assert.equal(answer.status, 503);
    assert.equal((answer.body as { error: string }).error, 'temporal_unavailable');
    assert.ok(front.refusedHandshakes > 0, 'the proxy refused the handshake');
    await assert.rejects(connectClient(loadTemporalConfig(env), { connectTimeoutMs: 2000 }));
  });

  it('API key: every call carries it as a bearer token, and an event flows', async () => {
    const front = await proxy({ apiKey: 'test-api-key' });
    const env = {
      ...base,
      TEMPORAL_ADDRESS: front.address,
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('api-key'),
      // No TEMPORAL_TLS: an API key implies TLS, as in the Temporal CLI.
      TEMPORAL_API_KEY: 'test-api-key',
    };
    const { ingress } = track(await startPipeline(env, database));
    const event = fixtureEvent('invoice.paid');
    assert.equal((await post(ingress, event)).status, 200);
    await waitFor(
      async () => ((await ledgerRows(database.db, event.id)).length === 1 ? true : undefined),
      'the ledger row',
    );
    assert.ok(front.authorizations.length > 2, 'the ingress and the worker both called through the proxy');
    assert.deepEqual([...new Set(front.authorizations)], ['Bearer test-api-key']);
  });

  it('API key: a wrong key is refused and the webhook gets 503', async () => {
    const front = await proxy({ apiKey: 'test-api-key' });
    const env = {
      ...base,
      TEMPORAL_ADDRESS: front.address,
      TEMPORAL_API_KEY: 'wrong',
      TEMPORAL_START_TIMEOUT_MS: '2000',
    };
    const ingress = await startIngress(loadIngressConfig({ ...env, PORT: String(await freePort()) }));
    stops.push(() => ingress.stop());
    assert.equal(await readyz(ingress), 503);
    assert.equal((await post(ingress, fixtureEvent('customer.created'))).status, 503);
    assert.ok(front.authorizations.includes('Bearer wrong'));
  });
});

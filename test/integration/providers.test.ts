/**
 * One event per provider type, end to end: WEBHOOK_PROVIDERS read like production → the real
 * ingress (startIngress) → the Temporal dev server → the real worker → provider_events in Postgres.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { and, eq } from 'drizzle-orm';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { loadIngressConfig } from '../../common/config';
import { PROCESS_PROVIDER_EVENT } from '../../common/provider-event';
import type { ProviderResult } from '../../common/provider-event';
import { providerEvents } from '../../db/schema';
import { freePort } from '../../dev/dev-server';
import { startIngress } from '../../ingress/server';
import type { RunningIngress } from '../../ingress/server';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import {
  hmacHeaders,
  hmacProvider,
  standardWebhooksHeaders,
  standardWebhooksSecret,
} from '../helpers/providers';
import { metricValue } from '../suites/delivery';
import { connectTestTemporal } from '../helpers/temporal';
import type { TestTemporal } from '../helpers/temporal';

const SW_SECRET = standardWebhooksSecret();
const HMAC_SECRET = 'acme_integration_secret';

describe('providers beyond Stripe, end to end', () => {
  let database: TestDatabase;
  let temporal: TestTemporal;
  let worker: Awaited<ReturnType<TestTemporal['startWorker']>>;
  let ingress: RunningIngress;
  let url: string;

  before(async () => {
    database = await createTestDatabase();
    temporal = await connectTestTemporal('providers');
    worker = await temporal.startWorker(database.db);
    const port = await freePort();
    const config = loadIngressConfig({
      ...process.env, // the run's payload key, as every process of the run gets it
      PORT: String(port),
      STRIPE_WEBHOOK_SECRET: 'whsec_stripe_unused_here',
      CLERK_WEBHOOK_SECRET: SW_SECRET,
      ACME_WEBHOOK_SECRET: HMAC_SECRET,
      WEBHOOK_PROVIDERS: JSON.stringify([
        { name: 'clerk', verifier: 'standard-webhooks', secretsVariable: 'CLERK_WEBHOOK_SECRET' },
        {
          name: 'acme',
          verifier: 'hmac',
          secretsVariable: 'ACME_WEBHOOK_SECRET',
          signatureHeader: 'X-Acme-Signature',
          signaturePrefix: 'sha256=',
          encoding: 'hex',
          timestampHeader: 'X-Acme-Timestamp',
          eventIdPath: 'event.id',
          eventTypePath: 'event.kind',
        },
      ]),
    });
    // The ingress owns (and closes) its own client, as in production.
    ingress = await startIngress({ ...config, temporal: temporal.config });
    url = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    await ingress?.stop();
    worker?.worker.shutdown();
    await worker?.running;
    await temporal?.close();
    await database?.drop();
  });

  async function post(provider: string, body: string, headers: Record<string, string>) {
    const response = await fetch(`${url}/webhooks/${provider}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: response.status, body: await response.json() };
  }

  async function recorded(provider: string, eventId: string) {
    return database.db
      .select()
      .from(providerEvents)
      .where(and(eq(providerEvents.provider, provider), eq(providerEvents.eventId, eventId)));
  }

  async function assertProcessed(workflowId: string, expected: Omit<ProviderResult, 'outcome'>) {
    const handle = temporal.client.workflow.getHandle(workflowId);
    assert.deepEqual(await handle.result(), { ...expected, outcome: 'recorded' });
    const description: WorkflowExecutionDescription = await handle.describe();
    assert.equal(description.type, PROCESS_PROVIDER_EVENT);
    assert.equal(description.taskQueue, temporal.config.taskQueue);
  }

  it('a Standard Webhooks event runs as clerk:<webhook-id>, once, and is recorded', async () => {
    const id = `msg_${Date.now()}`;
    const body = JSON.stringify({ type: 'user.created', data: { id: 'user_e2e' } });
    const headers = standardWebhooksHeaders(body, SW_SECRET, { id });
    assert.deepEqual(await post('clerk', body, headers), { status: 200, body: { received: true } });
    await assertProcessed(`clerk:${id}`, {
      provider: 'clerk',
      eventId: id,
      eventType: 'user.created',
      alreadyRecorded: false,
    });
    const rows = await recorded('clerk', id);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.type, 'user.created');

    // Svix retries the same message: the duplicate is confirmed by Temporal and answered 200.
    assert.equal((await post('clerk', body, headers)).status, 200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.equal(metricValue(metrics, 'provider_webhooks_accepted_total{provider="clerk"}'), 1);
    assert.equal(metricValue(metrics, 'provider_webhooks_duplicate_total{provider="clerk"}'), 1);
  });

  it('a generic HMAC event runs as acme:<event id>, and a tampered copy starts nothing', async () => {
    const id = `ev_${Date.now()}`;
    const body = JSON.stringify({ event: { id, kind: 'order.shipped' }, order: { id: 'o_1' } });
    const headers = hmacHeaders(body, HMAC_SECRET, hmacProvider([HMAC_SECRET]));
    const tampered = await post('acme', body.replace('o_1', 'o_2'), headers);
    assert.equal(tampered.status, 400);
    assert.equal((tampered.body as { error: string }).error, 'signature_mismatch');

    assert.equal((await post('acme', body, headers)).status, 200);
    await assertProcessed(`acme:${id}`, {
      provider: 'acme',
      eventId: id,
      eventType: 'order.shipped',
      alreadyRecorded: false,
    });
    assert.equal((await recorded('acme', id)).length, 1);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.equal(
      metricValue(metrics, 'provider_webhooks_rejected_total{provider="acme",reason="signature_mismatch"}'),
      1,
    );
  });
});

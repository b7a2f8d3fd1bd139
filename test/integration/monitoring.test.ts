/**
 * Every metric the Grafana dashboard and the alert rules query is one this project really exports:
 * scraped from a real ingress and a real worker process after they handled a Stripe event, a
 * provider event, an event that fails its workflow and one whose handler was paused, so it fell back
 * from the local activity to a regular one (the SDK's failure metrics appear only then).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { parse } from 'yaml';
import type { Client } from '@temporalio/client';
import { loadIngressConfig } from '../../common/config';
import { providerWorkflowId } from '../../common/provider-event';
import { connectClient } from '../../common/temporal-connection';
import { freePort } from '../../dev/dev-server';
import { fixtureEvent } from '../../dev/fixtures';
import { startIngress } from '../../ingress/server';
import type { RunningIngress } from '../../ingress/server';
import { handlerPauses } from '../../db/schema';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { startWorkerProcess } from '../helpers/processes';
import type { ServiceProcess } from '../helpers/processes';
import { hmacHeaders, hmacProvider } from '../helpers/providers';
import { exportedNames, metricNamesIn } from '../helpers/promql';
import { waitFor } from '../helpers/stack';
import { testTemporalAddress, testTemporalConfig, uniqueTaskQueue } from '../helpers/test-env';

const ROOT = path.join(__dirname, '..', '..');
const STRIPE_SECRET = 'whsec_monitoring_test';
const HMAC_SECRET = 'acme_monitoring_secret';

function subscriptionsFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'monitoring-')), 'subscriptions.json');
  const subscriber = {
    name: 'billing-emails',
    eventTypes: ['invoice.paid'],
    taskQueue: 'billing-emails',
    activity: 'receive',
  };
  writeFileSync(file, JSON.stringify({ subscribers: [subscriber] }));
  return file;
}

function dashboardExpressions(): string[] {
  const dashboard = JSON.parse(
    readFileSync(path.join(ROOT, 'ops/dashboards/stripe-temporal.json'), 'utf8'),
  ) as { panels: { targets?: { expr: string }[] }[] };
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
}

function ruleExpressions(): string[] {
  const rules = parse(readFileSync(path.join(ROOT, 'ops/alerts/rules.yml'), 'utf8')) as {
    groups: { rules: { expr: string }[] }[];
  };
  return rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
}

describe('the dashboard and the alert rules query exported metrics only', () => {
  let database: TestDatabase;
  let client: Client;
  let worker: ServiceProcess;
  let ingress: RunningIngress;
  let ingressUrl: string;
  let workerMetricsUrl: string;
  const taskQueue = uniqueTaskQueue('monitoring');

  before(async () => {
    database = await createTestDatabase();
    const address = testTemporalAddress();
    const temporal = testTemporalConfig({ address, taskQueue });
    client = await connectClient(temporal);
    const metricsPort = await freePort();
    workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    worker = await startWorkerProcess('monitoring', { address, taskQueue, client }, database.url, {
      WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      STUCK_EVENTS_CHECK_INTERVAL_SECONDS: '1',
      // One subscriber, so the per-subscriber gauge has a series (no invoice.paid is sent here).
      SUBSCRIPTIONS_FILE: subscriptionsFile(),
    });
    const port = await freePort();
    ingressUrl = `http://127.0.0.1:${port}`;
    const config = loadIngressConfig({
      ...process.env,
      PORT: String(port),
      STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
      ACME_SECRET: HMAC_SECRET,
      WEBHOOK_PROVIDERS: JSON.stringify([
        {
          name: 'acme',
          verifier: 'hmac',
          secretsVariable: 'ACME_SECRET',
          signatureHeader: 'X-Acme-Signature',
          signaturePrefix: 'sha256=',
          encoding: 'hex',
          timestampHeader: 'X-Acme-Timestamp',
          eventIdPath: 'event.id',
          eventTypePath: 'event.kind',
        },
      ]),
    });
    // Its own lazy client, which it closes at stop, as in production.
    ingress = await startIngress({ ...config, temporal });
  });
  after(async () => {
    await ingress?.stop();
    await worker?.stop();
    await client?.connection.close();
    await database?.drop();
  });

  async function postStripe(event: object): Promise<number> {
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET });
    const response = await fetch(`${ingressUrl}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    });
    return response.status;
  }

  it('after real traffic, every queried metric is scraped from the ingress or the worker', async () => {
    const suffix = Date.now();
    const applied = { ...fixtureEvent('customer.created'), id: `evt_monitoring_ok_${suffix}` };
    // A customer event carrying a charge: InvalidStripePayload fails the workflow at once.
    const invalid = { ...fixtureEvent('customer.updated'), id: `evt_monitoring_bad_${suffix}` };
    invalid.data.object = { id: 'ch_not_a_customer', object: 'charge' };
    assert.equal(await postStripe(applied), 200);
    assert.equal(await postStripe(invalid), 200);
    const body = JSON.stringify({ event: { id: `ev_${suffix}`, kind: 'order.shipped' } });
    const provider = await fetch(`${ingressUrl}/webhooks/acme`, {
      method: 'POST',
      headers: hmacHeaders(body, HMAC_SECRET, hmacProvider([HMAC_SECRET])),
      body,
    });
    assert.equal(provider.status, 200);
    assert.equal(
      ((await client.workflow.getHandle(applied.id).result()) as { outcome: string }).outcome,
      'applied',
    );
    await assert.rejects(client.workflow.getHandle(invalid.id).result());

    // A paused handler: the local attempt gives up at once, the regular activity fails and waits.
    await database.db
      .insert(handlerPauses)
      .values({ handler: 'applyProductEvent', reason: 'monitoring test' });
    const paused = { ...fixtureEvent('product.created'), id: `evt_monitoring_paused_${suffix}` };
    assert.equal(await postStripe(paused), 200);
    await waitFor(async () => {
      const [pending] = (await client.workflow.getHandle(paused.id).describe()).raw.pendingActivities ?? [];
      return pending?.lastFailure ?? undefined;
    }, 'the paused handler as a failed pending activity');
    await database.db.delete(handlerPauses);
    await client.workflow.getHandle(paused.id).result();
    await client.workflow.getHandle(providerWorkflowId('acme', `ev_${suffix}`)).result();

    const exported = new Set([
      ...exportedNames(await (await fetch(`${ingressUrl}/metrics`)).text()),
      ...exportedNames(await (await fetch(workerMetricsUrl)).text()),
    ]);
    for (const [source, expressions] of [
      ['ops/dashboards/stripe-temporal.json', dashboardExpressions()],
      ['ops/alerts/rules.yml', ruleExpressions()],
    ] as const) {
      const queried = new Set(expressions.flatMap(metricNamesIn));
      assert.ok(queried.size >= 8, `${source}: found only ${[...queried].join(', ')}`);
      const missing = [...queried].filter((name) => !exported.has(name));
      assert.deepEqual(missing, [], `${source} queries metrics nobody exports`);
      for (const expr of expressions)
        assert.ok(metricNamesIn(expr).length > 0, `${source}: no metric found in ${expr}`);
    }
  });
});

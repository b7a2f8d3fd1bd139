/**
 * The operator's main story, in a real browser: an event whose handler keeps failing shows up in
 * the Temporal Web UI when filtered by its type and `ExecutionStatus="Running"`, under its event id,
 * with the failing handler as a pending activity and its attempt count.
 *
 * The stuck handler is real: the production worker against a database whose `invoices` table is
 * missing (a migration not applied), so `applyInvoiceEvent` fails with a retryable Postgres error.
 * test/run.ts's dev server is headless, so this file starts its own with the Web UI, pointed at a
 * codec server (payloads are encrypted): the failure message and the event are readable through it,
 * and only ciphertext is once it is gone.
 *
 * The browser is CHROMIUM_PATH, a system Chromium, or else the one inside the @sparticuz/chromium
 * npm package (helpers/chromium.ts); screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { connectClient, connectNativeConnection } from '../../common/temporal-connection';
import { fixtureEvent } from '../../dev/fixtures';
import { startCodecServer } from '../../ops/codec-server';
import type { RunningCodecServer } from '../../ops/codec-server';
import { freePort, startDevServer } from '../../dev/dev-server';
import type { DevServer } from '../../dev/dev-server';
import { createStripeWorker } from '../../worker/create-worker';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { findChromium } from '../helpers/chromium';
import { startTestIngress } from '../helpers/ingress';
import type { TestIngress } from '../helpers/ingress';
import { waitFor } from '../helpers/stack';
import { testTemporalConfig, uniqueTaskQueue } from '../helpers/temporal';

const ARTIFACTS_DIR = path.join(__dirname, '..', '..', 'test-artifacts');
// The machine has no network: without these Chromium retries updates, sync and QUIC in the
// background, and a sandbox needs privileges a container lacks.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
const STUCK_TYPE = 'invoice.payment_failed';
const STUCK_HANDLER = 'applyInvoiceEvent';

describe('Temporal Web UI: an operator finds a stuck event', () => {
  let scratch: string;
  let server: DevServer;
  let uiUrl: string;
  let database: TestDatabase;
  let nativeConnection: NativeConnection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;
  let ingress: TestIngress;
  let browser: BrowserContext;
  let codecServer: RunningCodecServer | undefined;

  before(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'stripe-temporal-web-ui-'));
    // Payloads are encrypted (test/run.ts gives the run a key): the UI reads them through the codec
    // server, as `npm start` sets it up.
    const uiPort = await freePort();
    const keys = testTemporalConfig().payloadKeys;
    assert.ok(keys, 'the suite runs with payload keys');
    codecServer = await startCodecServer({
      keys,
      port: 0,
      corsOrigins: [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`],
    });
    server = await startDevServer({
      port: await freePort(),
      uiPort,
      uiCodecEndpoint: codecServer.url,
      logFile: path.join(scratch, 'temporal.log'),
    });
    assert.ok(server.uiUrl, 'the dev server runs its Web UI');
    uiUrl = server.uiUrl;

    database = await createTestDatabase();
    await database.db.execute(sql`drop table invoices`);
    const temporal = testTemporalConfig({
      address: server.address,
      namespace: server.namespace,
      taskQueue: uniqueTaskQueue('web-ui'),
    });
    client = await connectClient(temporal);
    nativeConnection = await connectNativeConnection(temporal);
    worker = await createStripeWorker({
      connection: nativeConnection,
      temporal,
      db: database.db,
      workflowBundlePath: process.env.TEST_WORKFLOW_BUNDLE,
    });
    running = worker.run();
    ingress = await startTestIngress(client, temporal.taskQueue);

    const browserBinary = await findChromium();
    console.log(`# Chromium: ${browserBinary.source}`);
    browser = await chromium.launchPersistentContext(path.join(scratch, 'chromium-profile'), {
      executablePath: browserBinary.executablePath,
      env: { ...process.env, ...browserBinary.env },
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
      timezoneId: 'UTC',
    });
    // The UI server comes up alongside the frontend; start-dev only waited for the frontend.
    await waitFor(
      async () => ((await fetch(uiUrl).catch(() => undefined))?.ok ? true : undefined),
      'the Web UI to answer',
    );
  });

  after(async () => {
    await browser?.close();
    await ingress?.close();
    worker?.shutdown();
    await running;
    await nativeConnection?.close();
    await client?.connection.close();
    await database?.drop();
    await server?.stop();
    await codecServer?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function screenshot(page: Page, name: string): Promise<string> {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const file = path.join(ARTIFACTS_DIR, name);
    await page.screenshot({ path: file });
    return file;
  }

  it(`lists a stuck ${STUCK_TYPE} under its event id, with its pending activity and attempt count`, async () => {
    const stuck = fixtureEvent(STUCK_TYPE);
    const healthy = fixtureEvent('customer.created');
    assert.equal((await ingress.post(stuck)).status, 200);
    assert.equal((await ingress.post(healthy)).status, 200);
    await client.workflow.getHandle(healthy.id).result();
    // A page shows what the server knew when it loaded: wait until the handler has failed and been
    // retried at least once (the first retry comes 1 s after the first failure).
    await waitFor(async () => {
      const { raw } = await client.workflow.getHandle(stuck.id).describe();
      return (raw.pendingActivities?.[0]?.attempt ?? 0) >= 2 ? true : undefined;
    }, 'the stuck handler to be retried');

    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${uiUrl}/namespaces/${server.namespace}/workflows`);
    // Both events are listed before filtering, so the filter below is what removes the healthy one.
    await page.getByRole('link', { name: healthy.id }).waitFor();

    // The operator types the visibility query into the UI's own query box.
    const query = `StripeEventType="${STUCK_TYPE}" AND ExecutionStatus="Running"`;
    await page.getByTestId('toggle-manual-query').click();
    await page.getByTestId('manual-search-input').fill(query);
    await page.getByTestId('manual-search-button').click();
    await page.waitForURL((url) => url.searchParams.get('query') === query);
    const stuckLink = page.getByRole('link', { name: stuck.id, exact: true });
    await stuckLink.waitFor();
    await page.getByRole('link', { name: healthy.id }).waitFor({ state: 'detached' });
    // Every row has a "Select Workflow <id>" checkbox: exactly one row, the stuck event's.
    const rows = await page.getByRole('checkbox', { name: /^Select Workflow / }).all();
    const listed = await Promise.all(rows.map((row) => row.getAttribute('aria-label')));
    assert.deepEqual(listed, [`Select Workflow ${stuck.id}`]);
    await screenshot(page, 'web-ui-stuck-list.png');

    await stuckLink.click();
    await page.getByTestId('workflow-id-heading').getByText(stuck.id).waitFor();
    await page.getByTestId('pending-activities-tab').click();
    await page.getByText(STUCK_HANDLER, { exact: true }).first().waitFor();
    // The "Attempt" row of the pending activity reads "<n> of Unlimited" (no attempt limit).
    const attemptRow = page.locator('div:has(> p:text-is("Attempt"))');
    const attemptText = (await attemptRow.innerText()).replace(/\s+/g, ' ');
    const attempt = Number(/(\d+) of Unlimited/.exec(attemptText)?.[1]);
    assert.ok(attempt >= 2, `the Web UI shows a retried attempt (it shows "${attemptText}")`);
    await page.getByText('postgres error 42P01', { exact: false }).first().waitFor();
    const file = await screenshot(page, 'web-ui-stuck-event.png');
    console.log(`# Web UI screenshots in ${path.relative(process.cwd(), file)} and web-ui-stuck-list.png`);
    await page.close();
  });

  it('shows an event decrypted through the codec server, and ciphertext without it', async () => {
    const event = fixtureEvent('customer.updated');
    assert.equal((await ingress.post(event)).status, 200);
    await client.workflow.getHandle(event.id).result();
    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${uiUrl}/namespaces/${server.namespace}/workflows/${event.id}`);
    // The Input panel shows the event itself: only the decrypted payload has its fields.
    await page.getByText('"api_version"', { exact: false }).first().waitFor();
    await page.getByText('"object": "event"', { exact: false }).first().waitFor();
    await screenshot(page, 'web-ui-decrypted.png');

    await codecServer?.stop();
    codecServer = undefined;
    await page.reload();
    await page.locator('#content').getByText('Codec Server could not connect').waitFor();
    // What Temporal stores: binary/encrypted (base64 in the UI) and the key id, no event fields.
    await page.getByText('"encryption-key-id"', { exact: false }).first().waitFor();
    await page
      .getByText(Buffer.from('binary/encrypted').toString('base64'), { exact: false })
      .first()
      .waitFor();
    const text = await page.innerText('body');
    assert.ok(!text.includes('"api_version"'), 'no event field is readable without the codec server');
    await screenshot(page, 'web-ui-ciphertext.png');
    await page.close();
  });
});

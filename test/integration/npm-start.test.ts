import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { connectClient } from '../../common/temporal-connection';
import { freePort } from '../../dev/dev-server';
import { testTemporalConfig } from '../helpers/test-env';
import type { ProcessResult } from '../../workflows';

const ROOT = path.join(__dirname, '..', '..');
const run = promisify(execFile);

/** The README's first command, as a newcomer runs it: nothing configured, embedded PGlite. */
describe('npm start on embedded defaults, fed by npm run send', () => {
  it('processes a signed sample event end to end, then stops cleanly on Ctrl-C', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'stripe-temporal-start-'));
    const [port, devPort, uiPort] = [await freePort(), await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_UI_PORT: String(uiPort),
      LOG_LEVEL: 'warn',
    };
    for (const name of ['TEMPORAL_ADDRESS', 'DATABASE_URL', 'STRIPE_WEBHOOK_SECRET']) delete env[name];

    const start = spawn(process.execPath, ['--import', 'tsx', 'dev/start.ts'], { cwd: ROOT, env });
    let output = '';
    start.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    start.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!output.includes('pipeline is running')) {
        assert.equal(start.exitCode, null, `npm start exited early:\n${output}`);
        assert.ok(Date.now() < deadline, `npm start not ready:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.match(output, new RegExp(`http://localhost:${port}/webhooks/stripe`));
      assert.match(output, new RegExp(`http://localhost:${uiPort}/namespaces/default/workflows`));
      assert.match(output, /Signing secret {2}whsec_local_[0-9a-f]{48}/);
      assert.match(output, /embedded PGlite/);

      const sent = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          'dev/send.ts',
          'invoice.payment_failed',
          '--url',
          `http://localhost:${port}/webhooks/stripe`,
        ],
        { cwd: ROOT, env },
      );
      assert.match(sent.stdout, /200 OK \{"received":true\}/);
      const eventId = /(evt_[0-9a-f]+)/.exec(sent.stdout)?.[1];
      assert.ok(eventId, sent.stdout);

      const client = await connectClient(testTemporalConfig({ address: `127.0.0.1:${devPort}` }));
      try {
        const result = (await client.workflow.getHandle(eventId).result()) as ProcessResult;
        assert.equal(result.outcome, 'applied', 'the handler committed to PGlite');
        assert.equal(result.handler, 'applyInvoiceEvent');
      } finally {
        await client.connection.close();
      }
      assert.equal((await fetch(`http://localhost:${uiPort}/`)).status, 200, 'the Web UI is served');
    } finally {
      start.kill('SIGINT');
    }
    assert.equal(await exited, 0, `npm start did not stop cleanly:\n${output}`);
    await rm(dataDir, { recursive: true, force: true });
  });
});

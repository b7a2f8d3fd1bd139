import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { freePort } from '../../dev/dev-server';
import type { ProcessResult } from '../../workflows';

const ROOT = path.join(__dirname, '..', '..');
const run = promisify(execFile);

/** The README's first command, as a newcomer runs it: nothing configured, embedded Postgres. */
describe('npm start on embedded defaults, fed by npm run send', () => {
  it('processes a signed sample event end to end, serves its database to ops and other clients, then stops cleanly on Ctrl-C', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'stripe-temporal-start-'));
    // As root the embedded Postgres runs as the OS user postgres, which must reach its data folder.
    await chmod(dataDir, 0o755);
    const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
    const [port, devPort, uiPort, postgresPort] = ports;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_UI_PORT: String(uiPort),
      POSTGRES_DEV_PORT: String(postgresPort),
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
      const databaseUrl = `postgres://postgres:postgres@127.0.0.1:${postgresPort}/billing`;
      assert.match(output, new RegExp(`Database {8}${databaseUrl}\n.*embedded Postgres 16`));
      const urlFile = path.join(dataDir, 'database-url');
      assert.equal((await readFile(urlFile, 'utf8')).trim(), databaseUrl, 'npm start writes its URL');

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

      const connection = await Connection.connect({ address: `127.0.0.1:${devPort}` });
      try {
        const client = new Client({ connection });
        const result = (await client.workflow.getHandle(eventId).result()) as ProcessResult;
        assert.equal(result.outcome, 'applied', 'the handler committed to the embedded Postgres');
        assert.equal(result.handler, 'applyInvoiceEvent');
      } finally {
        await connection.close();
      }
      // Another process reads the mirror on the printed URL, as psql or an application would.
      const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      try {
        const rows = await sql`select outcome from stripe_events where id = ${eventId}`;
        assert.deepEqual([...rows], [{ outcome: 'applied' }]);
      } finally {
        await sql.end();
      }
      // The operations CLI finds the database with no DATABASE_URL (only Temporal's test port set).
      const status = await run(
        process.execPath,
        ['--import', 'tsx', 'ops/cli.ts', 'status', eventId, '--json'],
        { cwd: ROOT, env: { ...env, TEMPORAL_ADDRESS: `127.0.0.1:${devPort}` } },
      );
      const ledger = (JSON.parse(status.stdout) as { ledger?: { outcome?: string } }).ledger;
      assert.equal(ledger?.outcome, 'applied', `ops status read the ledger row:\n${status.stdout}`);
      assert.equal((await fetch(`http://localhost:${uiPort}/`)).status, 200, 'the Web UI is served');
    } finally {
      start.kill('SIGINT');
    }
    assert.equal(await exited, 0, `npm start did not stop cleanly:\n${output}`);
    assert.ok(!existsSync(path.join(dataDir, 'database-url')), 'the URL file goes when npm start stops');
    await rm(dataDir, { recursive: true, force: true });
  });
});

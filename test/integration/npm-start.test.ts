import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { loadTemporalConfig } from '../../common/temporal-config';
import { connectClient } from '../../common/temporal-connection';
import { freePort } from '../../dev/dev-server';
import { findTemporalCli } from '../../dev/temporal-cli';
import type { ProcessResult } from '../../workflows';

const ROOT = path.join(__dirname, '..', '..');
const run = promisify(execFile);

/** A payload as `temporal workflow show -o json` prints it: metadata values and data in base64. */
interface WirePayload {
  metadata: { encoding: string };
  data: string;
}

/**
 * The README's first command, as a newcomer runs it: nothing configured, an embedded Postgres the
 * other tools reach on its printed URL, payloads encrypted with a key npm start generates, and its
 * codec server through which the CLI (and the Web UI) read them.
 */
describe('npm start on embedded defaults, fed by npm run send', () => {
  it('processes a signed sample event end to end, serves its database and its codec server to the tools, then stops cleanly on Ctrl-C', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'stripe-temporal-start-'));
    // As root the embedded Postgres runs as the OS user postgres, which must reach its data folder.
    await chmod(dataDir, 0o755);
    const ports = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const [port, devPort, uiPort, postgresPort, codecPort] = ports;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_UI_PORT: String(uiPort),
      POSTGRES_DEV_PORT: String(postgresPort),
      CODEC_SERVER_PORT: String(codecPort),
      LOG_LEVEL: 'warn',
    };
    for (const name of [
      'TEMPORAL_ADDRESS',
      'DATABASE_URL',
      'STRIPE_WEBHOOK_SECRET',
      'TEMPORAL_PAYLOAD_KEYS',
      'TEMPORAL_PAYLOAD_KEYS_FILE',
    ])
      delete env[name];
    const keysFile = path.join(dataDir, 'payload-keys');
    const codecUrl = `http://127.0.0.1:${codecPort}`;
    const address = `127.0.0.1:${devPort}`;

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
      assert.match(output, /Payloads {8}encrypted with key key-\d{8}-[0-9a-f]{6}/);
      assert.ok(output.includes(`Codec server    ${codecUrl}`), output);
      assert.equal(statSync(keysFile).mode & 0o777, 0o600, 'the generated key is readable by its owner only');

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

      const client = await connectClient(
        loadTemporalConfig({ TEMPORAL_ADDRESS: address, TEMPORAL_PAYLOAD_KEYS_FILE: keysFile }),
      );
      try {
        const result = (await client.workflow.getHandle(eventId).result()) as ProcessResult;
        assert.equal(result.outcome, 'applied', 'the handler committed to the embedded Postgres');
        assert.equal(result.handler, 'applyInvoiceEvent');
      } finally {
        await client.connection.close();
      }
      // Another process reads the mirror on the printed URL, as psql or an application would.
      const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      try {
        const rows = await sql`select outcome from stripe_events where id = ${eventId}`;
        assert.deepEqual([...rows], [{ outcome: 'applied' }]);
      } finally {
        await sql.end();
      }
      // The operations CLI finds the database and the payload key with nothing configured.
      const status = await run(
        process.execPath,
        ['--import', 'tsx', 'ops/cli.ts', 'status', eventId, '--json'],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH,
            HOME: dataDir,
            DATA_DIR: dataDir,
            TEMPORAL_ADDRESS: address,
            LOG_LEVEL: 'warn',
          },
        },
      );
      const report = JSON.parse(status.stdout) as { ledger?: { outcome?: string }; outcome?: string };
      assert.equal(report.ledger?.outcome, 'applied', 'ops status read the ledger row');
      assert.equal(report.outcome, 'applied', 'ops status decoded the workflow');
      assert.equal((await fetch(`http://localhost:${uiPort}/`)).status, 200, 'the Web UI is served');

      // The history holds ciphertext; the CLI reads the event through the codec server.
      const cli = findTemporalCli();
      assert.ok(cli, 'the Temporal CLI test/run.ts uses');
      const input = async (...extra: string[]): Promise<WirePayload> => {
        const { stdout } = await run(
          cli.path,
          ['workflow', 'show', '--address', address, '-w', eventId, '-o', 'json', ...extra],
          { env: { PATH: process.env.PATH, HOME: dataDir } },
        );
        const history = JSON.parse(stdout) as {
          events: { workflowExecutionStartedEventAttributes?: { input: { payloads: WirePayload[] } } }[];
        };
        const payload = history.events[0]?.workflowExecutionStartedEventAttributes?.input.payloads[0];
        assert.ok(payload, 'the started event carries the input');
        return payload;
      };
      const stored = await input();
      assert.equal(Buffer.from(stored.metadata.encoding, 'base64').toString(), 'binary/encrypted');
      const decoded = await input('--codec-endpoint', codecUrl);
      assert.equal(Buffer.from(decoded.metadata.encoding, 'base64').toString(), 'json/plain');
      const event = JSON.parse(Buffer.from(decoded.data, 'base64').toString()) as {
        id: string;
        object: string;
      };
      // Compared, never printed: the decoded event carries the fixture's personal data.
      assert.ok(event.id === eventId && event.object === 'event', 'the codec server decrypted the event');
    } finally {
      start.kill('SIGINT');
    }
    assert.equal(await exited, 0, `npm start did not stop cleanly:\n${output}`);
    assert.ok(!existsSync(path.join(dataDir, 'database-url')), 'the URL file goes when npm start stops');
    await rm(dataDir, { recursive: true, force: true });
  });
});

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadTemporalConfig } from '../../common/temporal-config';
import { connectClient } from '../../common/temporal-connection';
import { freePort } from '../../dev/dev-server';
import { findTemporalCli } from '../../dev/temporal-cli';
import type { ProcessResult } from '../../workflows';

const ROOT = path.join(__dirname, '..', '..');

/** A payload as `temporal workflow show -o json` prints it: metadata values and data in base64. */
interface WirePayload {
  metadata: { encoding: string };
  data: string;
}
const run = promisify(execFile);

/**
 * The README's first command, as a newcomer runs it: nothing configured, embedded PGlite, payloads
 * encrypted with a key npm start generates, and its codec server for the Web UI and the CLI.
 */
describe('npm start on embedded defaults, fed by npm run send', () => {
  it('processes a signed sample event end to end, then stops cleanly on Ctrl-C', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'stripe-temporal-start-'));
    const [port, devPort, uiPort, codecPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_UI_PORT: String(uiPort),
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

      const address = `127.0.0.1:${devPort}`;
      const client = await connectClient(
        loadTemporalConfig({ TEMPORAL_ADDRESS: address, TEMPORAL_PAYLOAD_KEYS_FILE: keysFile }),
      );
      try {
        const result = (await client.workflow.getHandle(eventId).result()) as ProcessResult;
        assert.equal(result.outcome, 'applied', 'the handler committed to PGlite');
        assert.equal(result.handler, 'applyInvoiceEvent');
      } finally {
        await client.connection.close();
      }
      assert.equal((await fetch(`http://localhost:${uiPort}/`)).status, 200, 'the Web UI is served');

      // The CLI reads the event only through the codec server; the history holds ciphertext.
      const cli = findTemporalCli();
      assert.ok(cli, 'the Temporal CLI test/run.ts uses');
      const show = (...extra: string[]) =>
        run(cli.path, ['workflow', 'show', '--address', address, '-w', eventId, '-o', 'json', ...extra], {
          env: { PATH: process.env.PATH, HOME: dataDir },
        });
      const input = async (...extra: string[]) => {
        const { stdout } = await show(...extra);
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

      // The ops CLI on the same machine finds the key npm start generated, with nothing set.
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
      assert.match(status.stdout, /"outcome": ?"applied"/);
    } finally {
      start.kill('SIGINT');
    }
    assert.equal(await exited, 0, `npm start did not stop cleanly:\n${output}`);
    await rm(dataDir, { recursive: true, force: true });
  });
});

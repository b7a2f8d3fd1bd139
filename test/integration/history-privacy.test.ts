/**
 * Proof that Temporal's history holds no personal data: every fixture event (71 real payloads,
 * handled or not) goes through the real pipeline with the payload codec on, then each workflow's
 * full history is exported as an operator would (`temporal workflow show -o json`, no codec) and
 * searched for the fixtures' emails, names, phones and address lines: in the JSON itself and in
 * every base64 payload decoded, where a plaintext event would sit. A control decrypts one history
 * and finds them, so the search can fail.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { mapWithConcurrency } from '../../common/concurrency';
import { EncryptionCodec } from '../../common/payload-codec';
import type { StripeEvent } from '../../common/stripe-event';
import { EVENT_FIXTURES_DIR, FIXTURES_DIR, fixtureEvent } from '../../dev/fixtures';
import { findTemporalCli } from '../../dev/temporal-cli';
import { findLeaks, personalDataIn } from '../faults/log-hygiene';
import { startTestStack } from '../helpers/stack';
import type { TestStack } from '../helpers/stack';

const run = promisify(execFile);

/** Every string under a `data` or `metadata` key, base64-decoded: where payload bytes live. */
function decodedPayloadBytes(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => decodedPayloadBytes(item, into));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'data' && typeof field === 'string')
        into.push(Buffer.from(field, 'base64').toString('latin1'));
      else if (key === 'metadata' && typeof field === 'object' && field !== null) {
        for (const meta of Object.values(field as Record<string, unknown>)) {
          if (typeof meta === 'string') into.push(Buffer.from(meta, 'base64').toString('latin1'));
        }
      } else decodedPayloadBytes(field, into);
    }
  }
  return into;
}

describe('workflow histories carry no personal data', () => {
  let stack: TestStack;
  let scratch: string;
  const events: StripeEvent[] = readdirSync(EVENT_FIXTURES_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => fixtureEvent(path.join(EVENT_FIXTURES_DIR, file)));
  const personal = personalDataIn(FIXTURES_DIR);

  before(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'history-privacy-'));
    stack = await startTestStack('privacy');
    for (const event of events) assert.equal((await stack.ingress.post(event)).status, 200);
    // Wait for every run to close, applied, ignored or failed: its whole history is then written.
    await Promise.all(events.map((event) => stack.result(event.id).catch(() => undefined)));
  });
  after(async () => {
    await stack?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function exportHistory(eventId: string): Promise<string> {
    const cli = findTemporalCli();
    assert.ok(cli, 'the Temporal CLI test/run.ts uses');
    const { stdout } = await run(
      cli.path,
      ['workflow', 'show', '--address', stack.temporal.config.address, '-w', eventId, '-o', 'json'],
      { env: { PATH: process.env.PATH, HOME: scratch }, maxBuffer: 32 * 1024 * 1024 },
    );
    return stdout;
  }

  it(`none of the fixtures' personal values in any exported history`, async () => {
    assert.ok(personal.length >= 20, `the fixtures' personal values (${personal.length})`);
    const files = await mapWithConcurrency(events, 6, async (event) => {
      const json = await exportHistory(event.id);
      const file = path.join(scratch, `${event.id}.log`);
      writeFileSync(file, [json, ...decodedPayloadBytes(JSON.parse(json))].join('\n'));
      return file;
    });
    const leaks = findLeaks(files, personal);
    // Masked values and file names only: the report must not leak what it found.
    assert.deepEqual(
      leaks.map((leak) => `${leak.field} (${leak.masked}) in ${path.basename(leak.logFile)}`),
      [],
    );
  });

  it('the same search finds them once a history is decrypted (the control)', async () => {
    const event = events.find((candidate) => candidate.type === 'customer.updated');
    assert.ok(event, 'a customer event, which carries an email');
    const history = JSON.parse(await exportHistory(event.id)) as {
      events: {
        workflowExecutionStartedEventAttributes?: {
          input: { payloads: { metadata: Record<string, string>; data: string }[] };
        };
      }[];
    };
    const wire = history.events[0]?.workflowExecutionStartedEventAttributes?.input.payloads[0];
    assert.ok(wire);
    const keys = stack.temporal.config.payloadKeys;
    assert.ok(keys, 'the suite runs with payload keys');
    const [plain] = await new EncryptionCodec(keys).decode([
      {
        metadata: Object.fromEntries(
          Object.entries(wire.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
        ),
        data: Buffer.from(wire.data, 'base64'),
      },
    ]);
    const file = path.join(scratch, 'decrypted.log');
    writeFileSync(file, Buffer.from(plain?.data ?? []).toString('utf8'));
    assert.ok(findLeaks([file], personal).length > 0, 'the decrypted input shows the customer data');
  });
});

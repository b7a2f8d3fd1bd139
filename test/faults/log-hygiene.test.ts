/**
 * The log-hygiene scan test/run.ts runs over every log of `npm test` can fail: it finds a fixture's
 * personal data planted in a log, in plain and JSON-escaped form, and reports it masked.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES_DIR } from '../../dev/fixtures';
import { findLeaks, logFilesIn, mask, personalDataIn } from './log-hygiene';

describe('log hygiene scan', () => {
  const personal = personalDataIn(FIXTURES_DIR);

  it("collects the fixtures' emails, contact names, phones and address lines, not product names", () => {
    const fields = personal.map(({ field }) => field);
    for (const expected of [/\.email$/, /customer_details\.name$/, /\.phone$/, /\.line1$/]) {
      assert.ok(
        fields.some((field) => expected.test(field)),
        `some ${String(expected)} field`,
      );
    }
    assert.ok(personal.some(({ value }) => value === 'jenny.rosen@example.com'));
    assert.ok(!personal.some(({ value }) => value === 'T-shirt'), 'a product name is not personal data');
  });

  it('finds a planted value in any log file, case-insensitively, and reports it masked', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'log-hygiene-'));
    try {
      await writeFile(
        path.join(dir, 'clean.log'),
        '{"level":40,"eventId":"evt_1","msg":"Activity failed"}\n',
      );
      await writeFile(
        path.join(dir, 'leaky.log'),
        '{"msg":"upsert failed","params":["JENNY.ROSEN@example.com"]}\n',
      );
      await writeFile(path.join(dir, 'not-a-log.txt'), 'jenny.rosen@example.com');
      const files = logFilesIn(dir);
      assert.equal(files.length, 2, 'only *.log files are scanned');
      const leaks = findLeaks(files, personal);
      assert.deepEqual(new Set(leaks.map((leak) => path.basename(leak.logFile))), new Set(['leaky.log']));
      // The email, and the first and last names it contains.
      const email = leaks.find((leak) => /email/.test(leak.field));
      assert.ok(email, JSON.stringify(leaks));
      assert.equal(email.masked, mask('jenny.rosen@example.com'));
      assert.ok(
        leaks.every((leak) => !leak.masked.toLowerCase().includes('rosen')),
        'no value repeated',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

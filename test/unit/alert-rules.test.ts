/**
 * The alert rules are valid Prometheus rules (`promtool check rules`) and fire when, and only when,
 * they should (`promtool test rules` on ops/alerts/rules.test.yml). promtool is found or built by
 * dev/promtool.ts (.ci/run builds it before the tests). That every metric they read is exported is
 * checked against real scrapes in test/integration/monitoring.test.ts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { findOrBuildPromtool } from '../../dev/promtool';

const run = promisify(execFile);
const ALERTS_DIR = path.join(__dirname, '..', '..', 'ops', 'alerts');

async function promtool(binary: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(binary, args, { cwd: ALERTS_DIR });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('ops/alerts', () => {
  let binary: string;
  before(() => {
    const found = findOrBuildPromtool();
    assert.ok(found, 'promtool is installed, or Go is present to build it (npx tsx dev/promtool.ts)');
    binary = found.path;
  });

  it('promtool check rules accepts every rule', async () => {
    const result = await promtool(binary, ['check', 'rules', 'rules.yml']);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /SUCCESS: 10 rules found/);
  });

  it('promtool test rules: each alert fires on its case, and not on the others', async () => {
    const result = await promtool(binary, ['test', 'rules', 'rules.test.yml']);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /SUCCESS/);
  });

  it('the check fails on a broken rule and the test on a wrong threshold (the checks can fail)', async () => {
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'alert-rules-'));
    try {
      const rules = await readFile(path.join(ALERTS_DIR, 'rules.yml'), 'utf8');
      await writeFile(path.join(scratch, 'rules.yml'), rules.replace('> 3600', '> > 3600'));
      const broken = await promtool(binary, ['check', 'rules', path.join(scratch, 'rules.yml')]);
      assert.notEqual(broken.code, 0);
      assert.match(broken.output, /StripeOldestStuckEventTooOld|parse error/);

      await writeFile(path.join(scratch, 'rules.yml'), rules.replace('> 3600', '> 7200'));
      await copyFile(path.join(ALERTS_DIR, 'rules.test.yml'), path.join(scratch, 'rules.test.yml'));
      const wrong = await promtool(binary, ['test', 'rules', path.join(scratch, 'rules.test.yml')]);
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.output, /StripeOldestStuckEventTooOld/);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});

/**
 * Where recorded histories live (test/histories/, replayed by test/workflows/replay.test.ts) and
 * what the scripts that record them share: the test-only payload key and the CLI that saves them.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findTemporalCli } from '../../dev/temporal-cli';

export const HISTORIES_DIR = path.join(__dirname, '..', 'histories');
/** The test-only key every encrypted recorded history uses (production keys never enter the repo). */
export const HISTORIES_KEYS_FILE = path.join(HISTORIES_DIR, 'payload-keys');

export interface HistoryRecorder {
  /** Saves `workflowId`'s history as test/histories/<version>-<name>.json. */
  save(address: string, name: string, workflowId: string): Promise<void>;
}

/**
 * Call before any client is made: every client of the process then encrypts with the test-only
 * key. Throws when the Temporal CLI, which writes the proto3 JSON that historyFromJSON reads (and
 * the Web UI downloads), is missing.
 */
export function prepareRecording(version: string): HistoryRecorder {
  const cliPath = findTemporalCli()?.path;
  if (!cliPath) throw new Error('the Temporal CLI is needed: npm run temporal:cli');
  process.env.TEMPORAL_PAYLOAD_KEYS_FILE = HISTORIES_KEYS_FILE;
  delete process.env.TEMPORAL_PAYLOAD_KEYS;
  return {
    async save(address, name, workflowId) {
      const json = execFileSync(
        cliPath,
        ['workflow', 'show', '--address', address, '--workflow-id', workflowId, '--output', 'json'],
        { encoding: 'utf8' },
      );
      const file = path.join(HISTORIES_DIR, `${version}-${name}.json`);
      await writeFile(file, json);
      console.log(`recorded ${file}`);
    },
  };
}

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { createDataConverter } from '../../common/data-converter';
import { loadPayloadEncryption } from '../../common/payload-keys';
import { workflowSource } from '../../worker/create-worker';
import { HISTORIES_DIR, HISTORIES_KEYS_FILE } from '../helpers/recorded-histories';

/**
 * Resets replay history: a workflow change that is not deterministic against recorded histories
 * would break every reset in production. These were recorded by `npm run histories:record`.
 */
const files = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));
// The key the v2e- histories were encrypted with (test-only; production keys never enter the repo).
const histories = loadPayloadEncryption({
  TEMPORAL_PAYLOAD_KEYS_FILE: HISTORIES_KEYS_FILE,
});

describe('recorded histories replay against the current workflow code', () => {
  it('replays every recorded history, plaintext and encrypted, without a nondeterminism error', async () => {
    assert.ok(files.length >= 4, `expected recorded histories in ${HISTORIES_DIR}`);
    assert.ok(
      files.some((file) => file.startsWith('v2e-')),
      'encrypted histories are among them',
    );
    assert.ok(
      files.some((file) => file.startsWith('v4e-')),
      'version 2 (local activity first) histories are among them',
    );
    assert.ok(
      files.some((file) => file.startsWith('d1e-')),
      'deliveries to subscribers (deliverToSubscriber) are among them',
    );
    assert.equal(histories.mode, 'encrypted');
    const recorded = files.map((file) => ({
      workflowId: path.basename(file, '.json'),
      history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'))),
    }));
    const results = Worker.runReplayHistories(
      {
        ...workflowSource(process.env.TEST_WORKFLOW_BUNDLE),
        dataConverter: createDataConverter(histories.mode === 'encrypted' ? histories.keys : undefined),
      },
      recorded,
    );
    const replayed: string[] = [];
    for await (const result of results) {
      assert.equal(result.error, undefined, `${result.workflowId}: ${String(result.error)}`);
      replayed.push(result.workflowId);
    }
    assert.deepEqual(replayed.sort(), recorded.map((h) => h.workflowId).sort());
  });
});

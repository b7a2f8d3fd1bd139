/**
 * The design's runbooks name `tctl workflow reset`; operators who still use tctl must get the same
 * guarantee as with `temporal workflow reset` (reset.test.ts): replaying a completed event re-runs
 * its handler, which finds its ledger row and writes nothing.
 *
 * tctl is found or built by dev/tctl.ts (.ci/run builds it before the tests).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { ProcessResult } from '../../workflows';
import { fixtureEvent } from '../../dev/fixtures';
import { findOrBuildTctl } from '../../dev/tctl';
import { snapshotDatabase } from '../helpers/db-snapshot';
import { startTestStack } from '../helpers/stack';
import type { TestStack } from '../helpers/stack';

const run = promisify(execFile);

describe('tctl workflow reset of a completed event (the runbook replay)', () => {
  let tctl: string;
  let stack: TestStack;
  before(async () => {
    const found = findOrBuildTctl();
    assert.ok(found, 'tctl is installed, or Go is present to build it (npx tsx dev/tctl.ts)');
    tctl = found.path;
    stack = await startTestStack('tctl-reset');
  });
  after(async () => stack?.stop());

  // Both types write an outbox message: a replay that wrote again would send a second email.
  for (const type of ['invoice.payment_failed', 'customer.subscription.trial_will_end']) {
    it(`${type}: --reset_type FirstWorkflowTask re-runs the handler and leaves the database unchanged`, async () => {
      const event = fixtureEvent(type);
      assert.equal((await stack.ingress.post(event)).status, 200);
      const first = await stack.result(event.id);
      assert.equal(first.alreadyRecorded, false);
      const firstRunId = (await stack.handle(event.id).describe()).runId;
      const before = await snapshotDatabase(stack.database.db);
      const outbox = (before.notifications ?? []).filter((row) => row.includes(`"event_id":"${event.id}"`));
      assert.equal(
        outbox.length,
        1,
        'the first run wrote its outbox message, which a replay must not repeat',
      );

      const { stdout } = await run(tctl, [
        '--address',
        stack.temporal.config.address,
        '--namespace',
        stack.temporal.config.namespace,
        'workflow',
        'reset',
        '--workflow_id',
        event.id,
        '--reset_type',
        'FirstWorkflowTask',
        '--reason',
        'integration test: replay a completed event with tctl',
      ]);
      // tctl prints the new run as JSON: {"runId": "..."}.
      const newRunId = /"runId":\s*"([^"]+)"/.exec(stdout)?.[1];
      assert.ok(newRunId, `tctl printed the new run id (it printed: ${stdout})`);
      assert.notEqual(newRunId, firstRunId);

      const second = (await stack.temporal.client.workflow
        .getHandle(event.id, newRunId)
        .result()) as ProcessResult;
      assert.equal(second.alreadyRecorded, true, 'the handler ran again and found its ledger row');
      assert.equal(second.outcome, first.outcome);
      assert.equal((await stack.handle(event.id).describe()).runId, newRunId, 'the reset run is the latest');
      assert.deepEqual(await snapshotDatabase(stack.database.db), before);
    });
  }
});

/**
 * `temporal workflow reset` of a completed event re-runs its handler, which finds its ledger row
 * and leaves the database unchanged. The CLI reaches the server with the same TEMPORAL_* variables
 * as the services (on the cluster tier: the client certificate), from the environment.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { ProcessResult } from '../../workflows';
import { fixtureEvent } from '../../dev/fixtures';
import { findTemporalCli } from '../../dev/temporal-cli';
import { snapshotDatabase } from '../helpers/db-snapshot';
import { startTestStack, waitFor } from '../helpers/stack';
import type { TestStack } from '../helpers/stack';

const run = promisify(execFile);

export const RESET_TYPES = [
  'customer.subscription.trial_will_end',
  'invoice.payment_failed',
  'checkout.session.completed',
];

export function resetSuite(name: string, types: readonly string[] = RESET_TYPES): void {
  describe('temporal workflow reset of a completed event (the operator replay)', () => {
    let stack: TestStack;
    before(async () => {
      stack = await startTestStack(name);
    });
    after(async () => stack.stop());

    for (const type of types) {
      it(`${type}: reset to FirstWorkflowTask re-runs the handler and leaves the database unchanged`, async () => {
        const event = fixtureEvent(type);
        assert.equal((await stack.ingress.post(event)).status, 200);
        const first = await stack.result(event.id);
        assert.equal(first.alreadyRecorded, false);
        const firstRunId = (await stack.handle(event.id).describe()).runId;
        const before = await snapshotDatabase(stack.database.db);

        const cli = findTemporalCli();
        assert.ok(cli, 'the Temporal CLI is installed (test/run.ts built it)');
        await run(cli.path, [
          'workflow',
          'reset',
          '--address',
          stack.temporal.config.address,
          '--namespace',
          stack.temporal.config.namespace,
          '--workflow-id',
          event.id,
          '--type',
          'FirstWorkflowTask',
          '--reason',
          'integration test: replay a completed event',
        ]);

        const replayed = await waitFor(async () => {
          const description = await stack.handle(event.id).describe();
          return description.runId !== firstRunId && description.status.name === 'COMPLETED'
            ? description
            : undefined;
        }, 'the reset run to complete');
        const second = (await stack.temporal.client.workflow
          .getHandle(event.id, replayed.runId)
          .result()) as ProcessResult;
        assert.equal(second.alreadyRecorded, true, 'the handler ran again and found its ledger row');
        assert.equal(second.outcome, first.outcome);
        assert.deepEqual(await snapshotDatabase(stack.database.db), before);
      });
    }
  });
}

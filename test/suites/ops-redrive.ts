/**
 * `ops redrive` of failed events after a fixed deploy, through the ops CLI's own dispatcher and the
 * real CLI process: run on the dev server (integration tier) and on the mTLS cluster (cluster
 * tier).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { ApplicationFailure } from '@temporalio/common';
import { INVALID_STRIPE_PAYLOAD } from '../../activities';
import { fixtureEvent } from '../../dev/fixtures';
import type { ProcessResult } from '../../workflows';
import type { RedriveResult } from '../../ops/commands/redrive';
import { query } from '../helpers/db';
import { waitFor } from '../helpers/stack';
import { deliver, startOpsStack } from '../helpers/ops-stack';
import type { OpsStack } from '../helpers/ops-stack';

export function opsRedriveSuite(name: string): void {
  describe('ops redrive', () => {
    let stack: OpsStack;
    const events = Array.from({ length: 20 }, (_, i) =>
      fixtureEvent('invoice.payment_failed', { object: { id: `in_redrive_${i}` } }),
    );
    const QUERY = 'StripeEventType="invoice.payment_failed" AND StripeOutcome="failed"';

    before(async () => {
      stack = await startOpsStack(name);
      // A bad deploy: the invoice handler wrongly rejects every payload as invalid, so the events fail.
      await stack.startWorker({
        overrides: {
          applyInvoiceEvent: () =>
            Promise.reject(
              ApplicationFailure.nonRetryable('invoice has no customer (bug)', INVALID_STRIPE_PAYLOAD),
            ),
        },
      });
      await deliver(stack, events);
      await waitFor(
        async () => {
          const { count } = await stack.temporal.client.workflow.count(
            `TaskQueue="${stack.temporal.config.taskQueue}" AND ExecutionStatus="Failed"`,
          );
          return count === 20 ? true : undefined;
        },
        '20 failed events',
        60_000,
      );
      await stack.startWorker(); // the fix is deployed
    });
    after(async () => stack.stop());

    it('counts first and resets nothing without --yes', async () => {
      const counted = await stack.cli<RedriveResult>('redrive', '--query', QUERY);
      assert.equal(counted.matched, 20);
      assert.equal(counted.dryRun, true);
      assert.equal(counted.reset.length, 0);
      assert.equal(counted.sample.length, 20);
      const dry = await stack.spawnCli('redrive', '--query', QUERY, '--dry-run', '--yes');
      assert.equal(dry.code, 0, dry.stderr);
      assert.equal((dry.json as RedriveResult).reset.length, 0);
      assert.equal(await stack.ledgerCount(), 0);
    });

    it('redriving the 20 failed events applies each exactly once, rate-limited, and a second redrive resets none', async () => {
      const started = Date.now();
      const result = await stack.cli<RedriveResult>('redrive', '--query', QUERY, '--yes', '--rate', '10/s');
      assert.ok(Date.now() - started >= 1800, '20 resets at 10/s take about 2 s');
      assert.equal(result.matched, 20);
      assert.equal(result.reset.length, 20);
      assert.deepEqual(result.errors, []);
      for (const { eventId, newRunId } of result.reset) {
        const outcome = (await stack.temporal.client.workflow
          .getHandle(eventId, newRunId)
          .result()) as ProcessResult;
        assert.equal(outcome.outcome, 'applied');
        assert.equal(outcome.alreadyRecorded, false);
      }
      const [ledger] = await query<{ count: string }>(
        stack.database.db,
        sql`select count(*) from stripe_events where type = 'invoice.payment_failed'`,
      );
      assert.equal(Number(ledger?.count), 20);
      const perEvent = await query<{ event_id: string; count: string }>(
        stack.database.db,
        sql`select event_id, count(*) from notifications group by event_id`,
      );
      assert.equal(perEvent.length, 20, 'one payment_failed message per event');
      assert.ok(perEvent.every((row) => Number(row.count) === 1));

      // The old runs stay Failed in visibility; they are no longer current, so nothing is reset twice.
      const again = await stack.cli<RedriveResult>('redrive', '--query', QUERY, '--yes', '--rate', '50/s');
      assert.equal(again.reset.length, 0);
      assert.equal(again.skipped.length, again.matched);
      assert.equal(await stack.ledgerCount(), 20);
    });

    it('asks for a query', async () => {
      const { code, stderr } = await stack.spawnCli('redrive');
      assert.equal(code, 2);
      assert.match(stderr, /give a visibility query/);
    });
  });
}

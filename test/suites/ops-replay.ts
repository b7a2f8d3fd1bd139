/**
 * `ops replay` of completed and stuck events, and `--reapply`, through the ops CLI's own dispatcher
 * and the real CLI process: run on the dev server (integration tier) and on the mTLS cluster
 * (cluster tier).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { fixtureEvent } from '../../dev/fixtures';
import type { ProcessResult } from '../../workflows';
import type { ReplayResult } from '../../ops/commands/replay';
import type { StuckReport } from '../../ops/commands/stuck';
import { query } from '../helpers/db';
import { waitFor } from '../helpers/stack';
import { deliver, snapshot, startOpsStack } from '../helpers/ops-stack';
import type { OpsStack } from '../helpers/ops-stack';

export function opsReplaySuite(name: string): void {
  describe('ops replay and replay --reapply', () => {
    let stack: OpsStack;
    before(async () => {
      stack = await startOpsStack(name);
      await stack.startWorker();
    });
    after(async () => stack.stop());

    async function subscriptionStatus(id: string): Promise<string | undefined> {
      const [row] = await query<{ status: string }>(
        stack.database.db,
        sql`select status from subscriptions where id = ${id}`,
      );
      return row?.status;
    }

    async function notificationsOf(eventId: string): Promise<number> {
      const [row] = await query<{ count: string }>(
        stack.database.db,
        sql`select count(*) from notifications where event_id = ${eventId}`,
      );
      return Number(row?.count);
    }

    it('replaying completed events changes nothing in the database', async () => {
      const events = [
        'invoice.payment_failed',
        'customer.subscription.trial_will_end',
        'checkout.session.completed',
      ].map((type) => fixtureEvent(type));
      await deliver(stack, events);
      for (const event of events) await stack.temporal.client.workflow.getHandle(event.id).result();
      const before = await snapshot(stack);
      assert.equal(await notificationsOf(events[0]!.id), 1, 'the payment_failed message was queued once');

      for (const event of events) {
        const replayed = await stack.cli<ReplayResult>(
          'replay',
          event.id,
          '--wait',
          '--reason',
          'test replay',
        );
        assert.notEqual(replayed.newRunId, replayed.previousRunId);
        assert.equal(replayed.result?.alreadyRecorded, true, 'the handler ran and found its ledger row');
        assert.equal(
          replayed.command,
          `temporal workflow reset --workflow-id ${event.id} --type FirstWorkflowTask --reason 'test replay'`,
        );
      }
      // The real CLI process too.
      const spawned = await stack.spawnCli('replay', events[0]!.id, '--wait');
      assert.equal(spawned.code, 0, spawned.stderr);
      assert.equal((spawned.json as ReplayResult).result?.alreadyRecorded, true);
      assert.deepEqual(await snapshot(stack), before);
    });

    it('replaying a running, stuck event applies it once when it can', async () => {
      await stack.cli('pause-handler', 'applyCustomerEvent', '--reason', 'test');
      const event = fixtureEvent('customer.created');
      await deliver(stack, [event]);
      await waitFor(async () => {
        const report = await stack.cli<StuckReport>('stuck');
        return report.stuck.some((stuck) => stuck.eventId === event.id) ? true : undefined;
      }, 'the event to be held by the pause');
      const replayed = await stack.cli<ReplayResult>('replay', event.id);
      await stack.cli('resume-handler', 'applyCustomerEvent');
      const result = (await stack.temporal.client.workflow
        .getHandle(event.id, replayed.newRunId)
        .result()) as ProcessResult;
      assert.equal(result.outcome, 'applied');
      assert.equal(result.alreadyRecorded, false);
      const previous = await stack.temporal.client.workflow
        .getHandle(event.id, replayed.previousRunId)
        .describe();
      assert.equal(previous.status.name, 'TERMINATED', 'the reset ended the stuck run');
    });

    it('--reapply rewrites what the event wrote after a handler fix, queues no second message, never overwrites newer state', async () => {
      const subscriptionId = `sub_reapply_${Date.now()}`;
      const created = Math.floor(Date.now() / 1000) - 600;
      const first = fixtureEvent('customer.subscription.updated', {
        created,
        object: { id: subscriptionId, status: 'active' },
      });
      const failed = fixtureEvent('invoice.payment_failed');
      await deliver(stack, [first, failed]);
      await stack.temporal.client.workflow.getHandle(first.id).result();
      await stack.temporal.client.workflow.getHandle(failed.id).result();

      // What a buggy handler might have written.
      await stack.database.db.execute(
        sql`update subscriptions set status = 'wrong' where id = ${subscriptionId}`,
      );
      const reapplied = await stack.cli<ReplayResult>('replay', first.id, '--reapply', '--wait');
      assert.equal(reapplied.ledgerRowDeleted, true);
      assert.equal(reapplied.result?.outcome, 'applied');
      assert.equal(reapplied.result?.alreadyRecorded, false);
      assert.equal(await subscriptionStatus(subscriptionId), 'active', 'the event rewrote its own row');

      const again = await stack.cli<ReplayResult>('reapply', failed.id, '--wait');
      assert.equal(again.result?.alreadyRecorded, false);
      assert.equal(await notificationsOf(failed.id), 1, 'the outbox is unique per (event, kind)');

      const newer = fixtureEvent('customer.subscription.updated', {
        created: created + 60,
        object: { id: subscriptionId, status: 'past_due' },
      });
      await deliver(stack, [newer]);
      await stack.temporal.client.workflow.getHandle(newer.id).result();
      const stale = await stack.cli<ReplayResult>('reapply', first.id, '--wait');
      assert.equal(stale.result?.outcome, 'stale', 'the older event is recorded stale');
      assert.equal(await subscriptionStatus(subscriptionId), 'past_due', 'newer state is never overwritten');
      const [ledger] = await query<{ outcome: string }>(
        stack.database.db,
        sql`select outcome from stripe_events where id = ${first.id}`,
      );
      assert.equal(ledger?.outcome, 'stale');
    });
  });
}

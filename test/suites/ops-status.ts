/**
 * `ops status`, `stuck`, `pause-handler` and `resume-handler`, through the ops CLI's own dispatcher
 * and the real CLI process: run on the dev server (integration tier) and on the mTLS cluster
 * (cluster tier).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { fixtureEvent } from '../../dev/fixtures';
import type { EventStatus } from '../../ops/commands/status';
import type { StuckReport } from '../../ops/commands/stuck';
import { waitFor } from '../helpers/stack';
import { deliver, startOpsStack } from '../helpers/ops-stack';
import type { OpsStack } from '../helpers/ops-stack';
import { PINNED_STRIPE_API_VERSION } from '../../common/stripe-api';

export function opsStatusSuite(name: string): void {
  describe('ops status, stuck, pause-handler and resume-handler', () => {
    let stack: OpsStack;
    before(async () => {
      stack = await startOpsStack(name);
      await stack.startWorker();
    });
    after(async () => stack.stop());

    it('status of a completed event: outcome, result, ledger row and the Web UI link (real CLI process)', async () => {
      const event = fixtureEvent('customer.subscription.created');
      await deliver(stack, [event]);
      await stack.temporal.client.workflow.getHandle(event.id).result();
      const { code, json } = await stack.spawnCli('status', event.id);
      assert.equal(code, 0);
      const status = json as EventStatus & { ledger: { outcome: string; handler: string } };
      assert.equal(status.workflow?.status, 'COMPLETED');
      assert.equal(status.result?.outcome, 'applied');
      assert.equal(status.handler, 'applySubscriptionEvent');
      assert.equal(status.ledger.outcome, 'applied');
      assert.equal(status.ledger.handler, 'applySubscriptionEvent');
      // The fixture comes from an older API version than the one the SDK pins.
      assert.deepEqual(status.apiVersion, {
        event: event.api_version,
        pinned: PINNED_STRIPE_API_VERSION,
        differs: true,
      });
      assert.equal(status.webUi, `http://localhost:8233/namespaces/default/workflows/${event.id}`);

      const text = await stack.spawnCli('status', 'evt_never_received');
      assert.equal(text.code, 1, 'an unknown event exits 1');
      assert.equal((text.json as EventStatus).found, false);
    });

    it('a paused handler holds its events (shown as paused) while the others go on; resume applies them', async () => {
      const pause = await stack.spawnCli(
        'pause-handler',
        'applyInvoiceEvent',
        '--reason',
        'bad deploy of invoices',
      );
      assert.equal(pause.code, 0, pause.stderr);
      const invoice = fixtureEvent('invoice.paid');
      const customer = fixtureEvent('customer.created');
      await deliver(stack, [invoice, customer]);
      await stack.temporal.client.workflow.getHandle(customer.id).result();

      const stuck = await waitFor(async () => {
        const report = await stack.cli<StuckReport>('stuck');
        return report.stuck.some((event) => event.eventId === invoice.id) ? report : undefined;
      }, 'the invoice event to show as stuck');
      const held = stuck.stuck.find((event) => event.eventId === invoice.id);
      assert.equal(held?.state, 'paused');
      assert.equal(held?.activityType, 'applyInvoiceEvent');
      assert.equal(held?.eventType, 'invoice.paid');
      assert.ok((held?.attempt ?? 0) >= 2, 'the attempt count is shown');
      assert.match(
        held?.lastFailureMessage ?? '',
        /handler applyInvoiceEvent is paused: bad deploy of invoices/,
      );
      assert.deepEqual(
        stuck.pausedHandlers?.map((pause) => pause.handler),
        ['applyInvoiceEvent'],
      );
      assert.ok(!stuck.stuck.some((event) => event.eventId === customer.id));

      const status = await stack.cli<EventStatus>('status', invoice.id);
      assert.equal(status.workflow?.status, 'RUNNING');
      assert.equal(status.pendingActivity?.state, 'paused');
      assert.equal(status.handlerPause?.reason, 'bad deploy of invoices');
      assert.equal(status.ledger, null);

      const text = await stack.spawnCli('stuck', '--type', 'invoice.paid');
      assert.equal(text.code, 0, text.stderr);
      assert.equal((text.json as StuckReport).stuck.length, 1);

      const resumed = await stack.spawnCli('resume-handler', 'applyInvoiceEvent');
      assert.equal(resumed.code, 0, resumed.stderr);
      const started = Date.now();
      await stack.temporal.client.workflow.getHandle(invoice.id).result();
      assert.ok(Date.now() - started < 15_000, 'resumed within seconds');
      const after = await stack.cli<EventStatus>('status', invoice.id);
      assert.equal(after.workflow?.status, 'COMPLETED');
      assert.notEqual(after.ledger, null);
      assert.deepEqual((await stack.cli<StuckReport>('stuck')).stuck, []);
    });

    it('stuck shows a failing handler with its attempt count and last error; --older-than filters by age', async () => {
      await stack.startWorker({
        overrides: {
          applyRefundEvent: () =>
            Promise.reject(ApplicationFailure.retryable('refunds table is locked', 'TransientDbError')),
        },
      });
      const refund = fixtureEvent('refund.created');
      await deliver(stack, [refund]);
      const report = await waitFor(async () => {
        const found = (await stack.cli<StuckReport>('stuck')).stuck.find(
          (event) => event.eventId === refund.id,
        );
        return found && found.attempt >= 2 ? found : undefined;
      }, 'the refund event failing twice');
      assert.equal(report.state, 'failing');
      assert.equal(report.lastFailureType, 'TransientDbError');
      assert.match(report.lastFailureMessage ?? '', /refunds table is locked/);
      assert.deepEqual((await stack.cli<StuckReport>('stuck', '--older-than', '1h')).stuck, []);
      assert.equal((await stack.cli<StuckReport>('stuck', '--type', 'customer.created')).stuck.length, 0);

      await stack.startWorker();
      await stack.temporal.client.workflow.getHandle(refund.id).result();
    });

    it('rejects an unknown handler name', async () => {
      const { code, stderr } = await stack.spawnCli('pause-handler', 'applyNothing');
      assert.equal(code, 2);
      assert.match(stderr, /no handler "applyNothing"/);
    });
  });
}

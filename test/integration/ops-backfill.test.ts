import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SweepResult } from '../../activities/events-sweep';
import type { StripeEvent } from '../../common/stripe-event';
import { fixtureEvent } from '../../dev/fixtures';
import { waitFor } from '../helpers/stack';
import { deliver, startOpsStack } from '../helpers/ops-stack';
import type { OpsStack } from '../helpers/ops-stack';

type BackfillOutput = SweepResult & { dryRun: boolean; all: boolean };

describe('ops backfill from the Events API', () => {
  let stack: OpsStack;
  const now = Math.floor(Date.now() / 1000);
  // 200 customers' events over the last 200 minutes, the newest first in Stripe's list.
  const events: StripeEvent[] = Array.from({ length: 200 }, (_, i) =>
    fixtureEvent('customer.created', { created: now - 60 * (i + 1), object: { id: `cus_backfill_${i}` } }),
  );
  const delivered = events.filter((_, i) => i % 4 !== 0); // 150
  const missed = events.filter((_, i) => i % 4 === 0); // 50

  before(async () => {
    stack = await startOpsStack('ops-backfill');
    await stack.startWorker();
    for (const event of events) stack.fake.addEvent(event, { delivered: !missed.includes(event) });
    // A type the account emits but the pipeline has no handler for (nor, usually, a subscription).
    stack.fake.addEvent(
      { ...fixtureEvent('customer.created', { created: now - 5 }), type: 'balance.available' },
      { delivered: false },
    );
    await deliver(stack, delivered);
    await waitFor(
      async () => ((await stack.ledgerCount()) === 150 ? true : undefined),
      '150 webhook events applied',
      60_000,
    );
  });
  after(async () => stack.stop());

  it('starts exactly the 50 events the webhook missed, and each is applied once', async () => {
    const result = await stack.cli<BackfillOutput>('backfill', '--since', '1d');
    assert.equal(result.listed, 51, 'delivery_success=false lists only the undelivered events');
    assert.equal(result.started, 50);
    assert.equal(result.unhandled, 1, 'an event without a handler is not started');
    assert.deepEqual(new Set(result.startedIds), new Set(missed.map((event) => event.id)));
    assert.deepEqual(result.warnings, []);
    await waitFor(
      async () => ((await stack.ledgerCount()) === 200 ? true : undefined),
      'all 200 applied',
      60_000,
    );
    for (const event of missed.slice(0, 5)) {
      const status = await stack.temporal.client.workflow.getHandle(event.id).describe();
      assert.equal(status.status.name, 'COMPLETED');
      assert.equal(status.taskQueue, stack.temporal.config.taskQueue, 'the same task queue as the ingress');
    }
    const { count } = await stack.temporal.client.workflow.count(
      `WorkflowType="processStripeEvent" AND TaskQueue="${stack.temporal.config.taskQueue}"`,
    );
    assert.equal(count, 200, 'one workflow per event: none started twice');
  });

  it('--all lists every event and dedupes all of them, waiting out a 429', async () => {
    const before = stack.fake.requests.length;
    stack.fake.rateLimitNext(1, 1);
    const started = Date.now();
    const result = await stack.cli<BackfillOutput>('backfill', '--since', '1d', '--all');
    assert.ok(Date.now() - started >= 1000, 'waited the Retry-After second');
    assert.equal(result.listed, 201);
    assert.equal(result.started, 0);
    assert.equal(result.alreadyRecorded, 200);
    // 1 answered 429, then 3 pages of 100, 100 and 1.
    assert.deepEqual(
      stack.fake.requests.slice(before).map((request) => request.status),
      [429, 200, 200, 200],
    );
    const pages = stack.fake.requests.slice(before + 1);
    assert.equal(pages[1]?.query.starting_after, events[98]?.id, 'pages with starting_after = the last id');
    assert.equal(await stack.ledgerCount(), 200);
  });

  it('--types filters by event type, and a start the ledger has not seen yet dedupes in Temporal', async () => {
    const late = fixtureEvent('customer.updated', { created: now - 30, object: { id: 'cus_backfill_0' } });
    stack.fake.addEvent(late, { delivered: false });
    // Started by the webhook at the same moment the backfill runs: not in the ledger yet, or just.
    await deliver(stack, [late]);
    const result = await stack.cli<BackfillOutput>(
      'backfill',
      '--since',
      '1d',
      '--types',
      'customer.updated',
    );
    assert.equal(result.listed, 1);
    assert.equal(result.started, 0);
    assert.equal(result.alreadyRecorded + result.alreadyStarted, 1);
    const page = stack.fake.requests.at(-1);
    assert.equal(page?.query['types[0]'], 'customer.updated');
    assert.equal(page?.query.delivery_success, 'false');
  });

  it('warns when the window reaches Stripe’s 30-day limit, and clamps it', async () => {
    const near = await stack.cli<BackfillOutput>('backfill', '--since', '700h', '--dry-run');
    assert.equal(near.warnings.length, 1);
    assert.match(near.warnings[0] ?? '', /30-day limit/);
    const beyond = await stack.cli<BackfillOutput>('backfill', '--since', '40d', '--dry-run');
    assert.match(beyond.warnings[0] ?? '', /can no longer be recovered/);
    assert.ok(beyond.since >= now - 30 * 86400, 'asks Stripe for 30 days at most');
    assert.equal(beyond.started, 0, 'nothing left to start');
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../common/config-error';
import { matchesEventType, subscriberWorkflowId } from '../../common/subscriber-contract';
import { loadSubscriptions, parseSubscriptions, subscribersFor } from '../../common/subscriptions';

const team = {
  name: 'team-service',
  eventTypes: ['invoice.paid', 'customer.subscription.deleted'],
  taskQueue: 'team-service',
  activity: 'receiveStripeEvent',
};

function assertConfigError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.match(err.message, message);
    return true;
  });
}

describe('the subscription table', () => {
  it('reads an entry with defaults: Stripe events, 30 s per attempt, retries without limit', () => {
    const [subscriber] = parseSubscriptions({ subscribers: [team] });
    assert.deepEqual(subscriber, {
      ...team,
      source: 'stripe',
      startToCloseTimeoutMs: 30_000,
      scheduleToCloseTimeoutMs: undefined,
      retry: {
        initialIntervalMs: 1_000,
        backoffCoefficient: 2,
        maximumIntervalMs: 300_000,
        maximumAttempts: 0,
        nonRetryableErrorTypes: [],
      },
    });
  });

  it('parses durations and a retry policy', () => {
    const [subscriber] = parseSubscriptions({
      subscribers: [
        {
          ...team,
          startToCloseTimeout: '10 seconds',
          scheduleToCloseTimeout: '1h',
          retry: {
            initialInterval: '2s',
            maximumInterval: '1 minute',
            maximumAttempts: 5,
            nonRetryableErrorTypes: ['Bad'],
          },
        },
      ],
    });
    assert.equal(subscriber!.startToCloseTimeoutMs, 10_000);
    assert.equal(subscriber!.scheduleToCloseTimeoutMs, 3_600_000);
    assert.deepEqual(subscriber!.retry, {
      initialIntervalMs: 2_000,
      backoffCoefficient: 2,
      maximumIntervalMs: 60_000,
      maximumAttempts: 5,
      nonRetryableErrorTypes: ['Bad'],
    });
  });

  it('names the entry and the field of every mistake', () => {
    const entry = (changes: Record<string, unknown>) => ({ subscribers: [{ ...team, ...changes }] });
    assertConfigError(
      () => parseSubscriptions(entry({ taskQueue: '' })),
      /subscribers\[0\] \("team-service"\): "taskQueue"/,
    );
    assertConfigError(() => parseSubscriptions(entry({ name: 'Team:A' })), /"name" must be lower-case/);
    assertConfigError(
      () => parseSubscriptions(entry({ eventTypes: [] })),
      /"eventTypes" must be a non-empty array/,
    );
    assertConfigError(
      () => parseSubscriptions(entry({ eventTypes: ['invoice.'] })),
      /"invoice\." is not an event type/,
    );
    assertConfigError(
      () => parseSubscriptions(entry({ eventTypes: ['invoice.upcoming'] })),
      /"invoice\.upcoming" has no handler/,
    );
    assertConfigError(
      () => parseSubscriptions(entry({ eventTypes: ['nothing.*'] })),
      /"nothing\.\*" covers no event type/,
    );
    assertConfigError(
      () => parseSubscriptions(entry({ startToCloseTimeout: 'soon' })),
      /"startToCloseTimeout" must be a duration/,
    );
    assertConfigError(
      () => parseSubscriptions(entry({ retry: { maximumAttempts: -1 } })),
      /"retry.maximumAttempts" is out of range/,
    );
    assertConfigError(
      () => parseSubscriptions(entry({ retry: { backof: 2 } })),
      /"retry" has unknown field\(s\) backof/,
    );
    assertConfigError(() => parseSubscriptions(entry({ queue: 'x' })), /unknown field\(s\) queue/);
    assertConfigError(
      () => parseSubscriptions({ subscribers: [team, team] }),
      /"team-service" is declared twice/,
    );
    assertConfigError(() => parseSubscriptions([team]), /must hold \{"subscribers"/);
  });

  it('takes any type from a provider, whose types it cannot know', () => {
    const [subscriber] = parseSubscriptions({
      subscribers: [{ ...team, source: 'clerk', eventTypes: ['user.*'] }],
    });
    assert.equal(subscriber!.source, 'clerk');
  });

  it('loads SUBSCRIPTIONS_FILE, and says which file is wrong', () => {
    assert.deepEqual(loadSubscriptions({}), []);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'subscriptions-'));
    const file = path.join(dir, 'subscriptions.json');
    writeFileSync(file, JSON.stringify({ subscribers: [team] }));
    assert.equal(loadSubscriptions({ SUBSCRIPTIONS_FILE: file })[0]!.name, 'team-service');
    writeFileSync(file, '{ not json');
    assertConfigError(
      () => loadSubscriptions({ SUBSCRIPTIONS_FILE: file }),
      /SUBSCRIPTIONS_FILE: .*subscriptions\.json is not JSON/,
    );
    assertConfigError(
      () => loadSubscriptions({ SUBSCRIPTIONS_FILE: path.join(dir, 'missing.json') }),
      /cannot read/,
    );
  });

  it('matches exact types and prefixes, per source', () => {
    assert.equal(matchesEventType(['invoice.*'], 'invoice.paid'), true);
    assert.equal(matchesEventType(['invoice.*'], 'invoiceitem.created'), false);
    assert.equal(matchesEventType(['invoice.paid'], 'invoice.payment_failed'), false);
    const table = parseSubscriptions({
      subscribers: [
        team,
        { ...team, name: 'invoices', eventTypes: ['invoice.*'] },
        { ...team, name: 'crm', source: 'clerk', eventTypes: ['invoice.paid'] },
      ],
    });
    assert.deepEqual(
      subscribersFor(table, 'stripe', 'invoice.paid').map((s) => s.name),
      ['team-service', 'invoices'],
    );
    assert.deepEqual(
      subscribersFor(table, 'clerk', 'invoice.paid').map((s) => s.name),
      ['crm'],
    );
    assert.deepEqual(subscribersFor(table, 'stripe', 'customer.updated'), []);
    assert.equal(subscriberWorkflowId('crm', 'clerk:msg_1'), 'subscriber:crm:clerk:msg_1');
  });

  it("accepts the example service's own table", () => {
    const file = path.join(__dirname, '..', '..', 'examples', 'team-service', 'subscriptions.json');
    assert.equal(loadSubscriptions({ SUBSCRIPTIONS_FILE: file })[0]!.activity, 'receiveStripeEvent');
  });
});

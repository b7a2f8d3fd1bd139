/**
 * Hostile input against a real ingress process: generated requests of every kind an attacker, a
 * broken proxy or a bug could send. None may start a workflow, none may get a 5xx, every refusal
 * carries `{ error, message }`, and the process stays up with bounded memory.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { connectClient } from '../../common/temporal-connection';
import { fixtureEvent } from '../../dev/fixtures';
import { startIngressProcess } from '../helpers/processes';
import type { IngressProcess } from '../helpers/processes';
import { deliverLikeStripe } from '../helpers/load-generator';
import { size, testTemporalAddress, testTemporalConfig, uniqueTaskQueue } from './harness';
import { HOSTILE_CATEGORIES, hostileCases, seededRandom, trickledRequest } from './hostile-requests';
import type { HostileCase } from './hostile-requests';
import { exchange } from './raw-http';
import type { RawResponse } from './raw-http';

const SECRET = 'whsec_hostile_input_secret';
const REQUEST_TIMEOUT_MS = 2000;
const MAX_BODY_BYTES = 256 * 1024;
const MB = 1024 * 1024;

/** Why `response` is not an acceptable refusal for `hostile`, or undefined. */
function whyUnacceptable(hostile: HostileCase, response: RawResponse): string | undefined {
  if (response.status === undefined) return 'no answer (connection closed or timed out)';
  if (!hostile.expect.includes(response.status))
    return `status ${response.status}, expected ${hostile.expect.join('/')}`;
  if (hostile.request.method === 'HEAD') return undefined;
  try {
    const body = JSON.parse(response.body) as { error?: unknown; message?: unknown };
    if (typeof body.error !== 'string' || typeof body.message !== 'string' || body.message.length < 10)
      return `body without a clear reason: ${response.body.slice(0, 200)}`;
  } catch {
    return `body not JSON: ${response.body.slice(0, 200)}`;
  }
  return undefined;
}

async function inParallel<T, R>(items: T[], lanes: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

describe('hostile input against a real ingress process', () => {
  const address = testTemporalAddress();
  const taskQueue = uniqueTaskQueue('hostile');
  let client: Client;
  let ingress: IngressProcess;

  before(async () => {
    client = await connectClient(testTemporalConfig({ address }));
    ingress = await startIngressProcess(
      'ingress-hostile',
      { address, taskQueue },
      { secret: SECRET, requestTimeoutMs: REQUEST_TIMEOUT_MS, maxBodyBytes: MAX_BODY_BYTES },
    );
  });
  after(async () => {
    await ingress?.stop();
    await client?.connection.close();
  });

  it('refuses every generated request with a clear 4xx, starts nothing and stays up', async (t) => {
    const seed = Number(process.env.HOSTILE_SEED ?? Date.now() % 2 ** 31);
    const count = size(1000, 5000);
    const cases = hostileCases(count, seededRandom(seed), {
      secret: SECRET,
      now: Math.floor(Date.now() / 1000),
      maxBodyBytes: MAX_BODY_BYTES,
    });
    const rssBefore = ingress.rssBytes();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      if (ingress.isRunning()) rssPeak = Math.max(rssPeak, ingress.rssBytes());
    }, 100);
    const started = Date.now();
    // Positive control: valid deliveries in the middle of the attack are accepted and are the only
    // workflows, which also proves the count below can see a started workflow.
    const controls = Array.from({ length: 5 }, () => fixtureEvent('invoice.paid'));
    const [responses, control] = await Promise.all([
      inParallel(cases, 16, (hostile) => exchange(ingress.port, hostile.request)),
      deliverLikeStripe(controls, {
        urls: [ingress.webhookUrl],
        secret: SECRET,
        concurrency: 1,
        deadlineMs: 30_000,
        spacingMs: 200,
      }),
    ]);
    clearInterval(sampler);
    const elapsedMs = Date.now() - started;

    const byCategory: Record<string, Record<string, number>> = {};
    const problems: string[] = [];
    cases.forEach((hostile, index) => {
      const response = responses[index]!;
      const key = String(response.status ?? 'none');
      const tally = (byCategory[hostile.category] ??= {});
      tally[key] = (tally[key] ?? 0) + 1;
      const why = whyUnacceptable(hostile, response);
      if (why) problems.push(`${hostile.category}: ${why}`);
    });
    t.diagnostic(`seed ${seed} (HOSTILE_SEED to repeat), ${count} requests in ${elapsedMs} ms`);
    t.diagnostic(`answers by category: ${JSON.stringify(byCategory)}`);
    assert.deepEqual(
      Object.keys(byCategory).sort(),
      [...HOSTILE_CATEGORIES].sort(),
      'every category was sent',
    );
    assert.deepEqual([...new Set(problems)].slice(0, 20), [], `${problems.length} unacceptable answers`);
    assert.equal(responses.filter((response) => (response.status ?? 0) >= 500).length, 0, 'no 5xx');

    assert.equal(
      control.acknowledged.size,
      controls.length,
      'valid deliveries during the attack are accepted',
    );
    const { count: started_ } = await client.workflow.count(`TaskQueue="${taskQueue}"`);
    assert.equal(started_, controls.length, 'the only workflows are the valid deliveries');

    assert.ok(ingress.isRunning(), 'the ingress is still running');
    assert.equal((await fetch(`${ingress.url}/healthz`)).status, 200);
    const rssAfter = ingress.rssBytes();
    t.diagnostic(
      `ingress RSS before ${(rssBefore / MB).toFixed(0)} MB, peak ${(rssPeak / MB).toFixed(0)} MB, after ${(rssAfter / MB).toFixed(0)} MB`,
    );
    assert.ok(rssPeak < 400 * MB, `peak RSS ${(rssPeak / MB).toFixed(0)} MB stays under 400 MB`);
    assert.ok(rssAfter - rssBefore < 150 * MB, 'RSS grows by less than 150 MB over the attack');
  });

  it('cuts off a body trickled slower than the request timeout with 408 and a reason', async (t) => {
    const { count: before } = await client.workflow.count(`TaskQueue="${taskQueue}"`);
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => exchange(ingress.port, trickledRequest(SECRET), 20_000)),
    );
    t.diagnostic(`trickled bodies answered after ${responses.map((r) => r.elapsedMs).join(', ')} ms`);
    for (const response of responses) {
      assert.equal(response.status, 408, response.body);
      assert.equal((JSON.parse(response.body) as { error: string }).error, 'request_timeout');
      // The timeout is checked once a second, and the machine is busy: allow a few seconds more.
      assert.ok(response.elapsedMs < REQUEST_TIMEOUT_MS + 4000, `answered after ${response.elapsedMs} ms`);
    }
    assert.ok(Date.now() - started < 15_000);
    const { count } = await client.workflow.count(`TaskQueue="${taskQueue}"`);
    assert.equal(count, before, 'no workflow started');
  });
});

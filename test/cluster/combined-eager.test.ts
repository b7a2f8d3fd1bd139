/**
 * The combined process (npm run start:combined) on the real cluster over mTLS: its starts come back
 * eager (the first workflow task in the start response, so the event never waits in matching), and
 * an event is one workflow task and 7 history events there too. temporal-server 1.29 has
 * system.enableEagerWorkflowStart on by default; this proves our client asks for it and gets it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { Client } from '@temporalio/client';
import { connectClient } from '../../common/temporal-connection';
import { freePort } from '../../dev/dev-server';
import { fixtureEvent } from '../../dev/fixtures';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { assertLedgerOutcome } from '../helpers/events';
import { eventTypes, localActivityAttempts } from '../helpers/history';
import { startCombinedProcess } from '../helpers/processes';
import type { IngressProcess } from '../helpers/processes';
import { testTemporalAddress, testTemporalConfig, uniqueTaskQueue } from '../helpers/test-env';

const SECRET = 'whsec_cluster_combined';

describe('the combined process on the cluster', () => {
  let database: TestDatabase;
  let client: Client;
  let combined: IngressProcess | undefined;
  const taskQueue = uniqueTaskQueue('cluster-combined');

  before(async () => {
    database = await createTestDatabase();
    client = await connectClient(testTemporalConfig({ taskQueue }));
    combined = await startCombinedProcess(
      'cluster-combined',
      { address: testTemporalAddress(), taskQueue, client },
      database.url,
      { port: await freePort(), secret: SECRET },
    );
  });
  after(async () => {
    await combined?.stop();
    await client?.connection.close();
    await database?.drop();
  });

  it('starts eagerly, and applies an event in one workflow task and 7 history events', async () => {
    const event = fixtureEvent('customer.created', { object: { id: 'cus_cluster_eager' } });
    const payload = JSON.stringify(event);
    const response = await fetch(combined!.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
      },
      body: payload,
    });
    assert.equal(response.status, 200);
    const handle = client.workflow.getHandle(event.id);
    assert.equal(((await handle.result()) as { outcome: string }).outcome, 'applied');
    const history = await handle.fetchHistory();
    assert.equal(
      history.events?.[0]?.workflowExecutionStartedEventAttributes?.eagerExecutionAccepted,
      true,
      'the cluster handed the first workflow task back in the start response',
    );
    assert.equal(eventTypes(history).length, 7, eventTypes(history).join(', '));
    assert.deepEqual(localActivityAttempts(history), [1]);
    await assertLedgerOutcome(database.db, event.id, 'applied');
  });
});

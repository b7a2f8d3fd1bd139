/**
 * A cluster that is up but whose namespace is not set up for the contract: the production ingress
 * (started from the environment, mTLS) answers /readyz 503 and says which of the namespace, the
 * search attributes or the retention is missing, with the command that fixes it; fixed, it is ready.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Long from 'long';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { loadIngressConfig } from '../../common/config';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../common/search-attributes';
import { connectClient } from '../../common/temporal-connection';
import { freePort } from '../../dev/dev-server';
import { configureNamespace, registerNamespace } from '../../dev/namespace';
import { startIngress } from '../../ingress/server';
import { waitFor } from '../helpers/stack';
import { testTemporalConfig } from '../helpers/test-env';

interface Readyz {
  status: number;
  codes: string[];
  messages: string[];
}

describe('/readyz on a cluster whose namespace lacks what the contract needs', () => {
  let client: Client;
  const unique = () => `readyz-${randomBytes(4).toString('hex')}`;

  before(async () => {
    client = await connectClient(testTemporalConfig());
  });
  after(async () => client?.connection.close());

  /** The production ingress on `namespace`: its /readyz, read until `done` says it has settled. */
  async function readyz(namespace: string, done: (answer: Readyz) => boolean): Promise<Readyz> {
    const env = { ...process.env, TEMPORAL_NAMESPACE: namespace, STRIPE_WEBHOOK_SECRET: 'whsec_readyz' };
    const ingress = await startIngress(loadIngressConfig({ ...env, PORT: String(await freePort()) }));
    const { port } = ingress.server.address() as { port: number };
    try {
      // A real server refreshes its namespace and search-attribute caches every few seconds.
      return await waitFor(
        async () => {
          const response = await fetch(`http://127.0.0.1:${port}/readyz`);
          const body = (await response.json()) as { problems?: { code: string; message: string }[] };
          const problems = body.problems ?? [];
          const answer = {
            status: response.status,
            codes: problems.map((problem) => problem.code),
            messages: problems.map((problem) => problem.message),
          };
          return done(answer) ? answer : undefined;
        },
        `/readyz of namespace ${namespace} to settle`,
        30_000,
      );
    } finally {
      await ingress.stop();
    }
  }

  const register = (namespace: string, hours: number) =>
    client.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(hours * 3600) },
    });

  it('says the namespace does not exist, and how to create it', async () => {
    const namespace = unique();
    const answer = await readyz(namespace, (a) => a.codes.length > 0);
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.codes, ['namespace_missing']);
    assert.match(
      answer.messages[0]!,
      new RegExp(`namespace ${namespace} \\(TEMPORAL_NAMESPACE\\) does not exist`),
    );
    assert.match(answer.messages[0]!, /temporal operator namespace create --retention 720h/);
  });

  it('says the retention is under 72 h and which search attributes are missing', async () => {
    const namespace = unique();
    await register(namespace, 24);
    const answer = await readyz(namespace, (a) => !a.codes.includes('namespace_missing'));
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.codes, ['retention_too_short', 'search_attributes_missing']);
    assert.match(answer.messages[0]!, /keeps closed workflows 24 h, under the 72 h.*--retention 720h/);
    for (const name of Object.keys(SEARCH_ATTRIBUTE_DEFINITIONS))
      assert.match(answer.messages[1]!, new RegExp(name));
  });

  it('names only the search attribute that is missing, and is ready once it is added', async () => {
    const namespace = unique();
    await registerNamespace(client.connection, namespace);
    const { IndexedValueType } = temporal.api.enums.v1;
    const others = Object.entries(SEARCH_ATTRIBUTE_DEFINITIONS).filter(([name]) => name !== 'StripeOutcome');
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        others.map(([name, type]) => [
          name,
          type === 'Bool'
            ? IndexedValueType.INDEXED_VALUE_TYPE_BOOL
            : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        ]),
      ),
    });
    const missing = await readyz(namespace, (a) => a.codes.join() === 'search_attributes_missing');
    assert.equal(missing.status, 503);
    assert.match(
      missing.messages[0]!,
      /lacks the search attributes StripeOutcome, and every start sets them/,
    );
    assert.match(missing.messages[0]!, /create --namespace \S+ --name StripeOutcome --type Keyword$/);
    assert.doesNotMatch(missing.messages[0]!, /StripeEventType/);

    await configureNamespace(client.connection, namespace);
    const ready = await readyz(namespace, (a) => a.status === 200);
    assert.deepEqual(ready, { status: 200, codes: [], messages: [] });
  });
});

/**
 * Temporal dies under load: the test runs its own dev server on a db file, SIGKILLs it once a third
 * of the events are acknowledged, and restarts it on the same file and port after 3 s (`npm test`)
 * or 15 s (`npm run faults`). The scenario and its checks are outage-scenario.ts's, shared with
 * the cluster tier, which SIGKILLs a real temporal-server instead.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { freePort, startDevServer } from '../../dev/dev-server';
import type { DevServer } from '../../dev/dev-server';
import { testLogDir } from '../helpers/processes';
import { cleanupAfter, describeOutcome, size, sleep, startFaultStack } from './harness';
import { killTemporalUnderLoad } from './outage-scenario';

describe('Temporal outage under load', () => {
  const cleanup = cleanupAfter();

  it('SIGKILLs the dev server mid-run and restarts it on the same db file', async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'stripe-temporal-outage-'));
    cleanup.defer(() => rm(dir, { recursive: true, force: true }));
    const port = await freePort();
    const serverOptions = {
      port,
      dbFilename: path.join(dir, 'temporal.db'),
      logFile: path.join(testLogDir(), `temporal-outage-${port}.log`),
    };
    let server: DevServer = await startDevServer(serverOptions);
    cleanup.defer(() => server.stop());
    assert.ok(server.pid, 'the dev server runs as a CLI process this test can kill');

    // A short start timeout: the sender should see 503 fast, as Stripe would within its own timeout.
    const stack = await startFaultStack(cleanup, {
      name: 'temporal-outage',
      events: size(200, 2000),
      address: server.address,
      ingress: { startTimeoutMs: 1000 },
    });
    const { outcome, figures } = await killTemporalUnderLoad(
      stack,
      {
        async kill() {
          const pid = server.pid!;
          process.kill(pid, 'SIGKILL');
          // Wait until the process is really gone before calling the server down.
          while (isAlive(pid)) await sleep(20);
        },
        async start() {
          server = await startDevServer(serverOptions);
        },
      },
      size(3_000, 15_000),
    );
    t.diagnostic(describeOutcome(outcome, figures));
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `npm test`: runs every tier against real services.
 *   unit        pure functions, no services
 *   activities  handlers against a real Postgres
 *   workflows   workflows on a real Temporal dev server (+ Postgres)
 *   integration HTTP → ingress → Temporal → worker → Postgres, with fixtures signed for real
 *
 * One dev server (in memory, headless) and one workflow bundle are made here and shared by every
 * test file through the environment; each file uses its own task queue and its own database.
 * `npm test -- unit` (or `npm run test:unit`) runs one tier.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer } from '../dev/dev-server';
import type { DevServer } from '../dev/dev-server';
import { ADMIN_DATABASE_URL } from './helpers/db';

const TIERS = ['unit', 'activities', 'workflows', 'integration'] as const;
type Tier = (typeof TIERS)[number];

function testFiles(tier: Tier): string[] {
  const dir = path.join(__dirname, tier);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.test.ts'))
    .sort()
    .map((file) => path.join(dir, file));
}

async function assertPostgresReachable(): Promise<void> {
  const sql = postgres(ADMIN_DATABASE_URL, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (err) {
    throw new Error(
      `Postgres is not reachable at ${ADMIN_DATABASE_URL} (${String(err)}). ` +
        'Start it, or point TEST_DATABASE_URL at a server where the user may create databases.',
    );
  } finally {
    await sql.end();
  }
}

async function main(): Promise<void> {
  const requested = process.argv
    .slice(2)
    .filter((arg): arg is Tier => (TIERS as readonly string[]).includes(arg));
  const tiers: readonly Tier[] = requested.length > 0 ? requested : TIERS;
  const needsPostgres = tiers.some((tier) => tier !== 'unit');
  const needsTemporal = tiers.some((tier) => tier === 'workflows' || tier === 'integration');

  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  let server: DevServer | undefined;
  let scratch: string | undefined;
  if (needsPostgres) await assertPostgresReachable();
  if (needsTemporal) {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'stripe-temporal-test-'));
    const started = Date.now();
    server = await startDevServer({ logFile: path.join(scratch, 'temporal.log') });
    console.log(`# Temporal dev server on ${server.address} (ready in ${Date.now() - started} ms)`);
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../workflows'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    });
    const bundlePath = path.join(scratch, 'workflow-bundle.js');
    await writeFile(bundlePath, code);
    env.TEST_TEMPORAL_ADDRESS = server.address;
    env.TEST_WORKFLOW_BUNDLE = bundlePath;
  }

  const files = tiers.flatMap(testFiles);
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
      env,
      stdio: 'inherit',
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  await server?.stop();
  if (scratch && exitCode === 0) await rm(scratch, { recursive: true, force: true });
  else if (scratch) console.log(`# dev server log kept in ${scratch}/temporal.log`);
  process.exit(exitCode);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

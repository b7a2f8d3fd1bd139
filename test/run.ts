/**
 * `npm test`: runs every tier against real services.
 *   unit        pure functions, no services
 *   activities  handlers against a real Postgres
 *   workflows   workflows on a real Temporal dev server (+ Postgres)
 *   integration HTTP → ingress → Temporal → worker → Postgres, with fixtures signed for real
 *   faults      real worker and ingress processes under Postgres and Temporal outages, crashes,
 *               duplicate replicas and hostile input (FAULTS_FULL=1, `npm run faults`: full size)
 *
 * One dev server (in memory, headless) and one workflow bundle are made here and shared by every
 * test file through the environment; each file uses its own task queue and its own database, on
 * TEST_DATABASE_URL, the default address, or else a throwaway Postgres started here
 * (helpers/test-postgres.ts).
 * `npm test -- unit` (or `npm run test:unit`) runs one tier; any other argument keeps only the
 * files whose name contains it: `npm test -- faults postgres-outage`.
 *
 * Everything the run prints, and every log the processes it starts write (TEST_LOG_DIR), is kept
 * in one folder and searched for the fixtures' personal data afterwards: a hit fails the run.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../common/data-converter';
import { generatePayloadKey } from '../common/payload-keys';
import { startDevServer } from '../dev/dev-server';
import type { DevServer } from '../dev/dev-server';
import { FIXTURES_DIR } from '../dev/fixtures';
import { findLeaks, logFilesIn, personalDataIn } from './faults/log-hygiene';
import { provideTestPostgres } from './helpers/test-postgres';

const TIERS = ['unit', 'activities', 'workflows', 'integration', 'faults'] as const;
type Tier = (typeof TIERS)[number];

function testFiles(tier: Tier): string[] {
  const dir = path.join(__dirname, tier);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.test.ts'))
    .sort()
    .map((file) => path.join(dir, file));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const requested = args.filter((arg): arg is Tier => (TIERS as readonly string[]).includes(arg));
  const fileFilters = args.filter((arg) => !(TIERS as readonly string[]).includes(arg));
  const tiers: readonly Tier[] = requested.length > 0 ? requested : TIERS;
  const needsPostgres = tiers.some((tier) => tier !== 'unit');
  const needsTemporal = tiers.some((tier) => tier !== 'unit' && tier !== 'activities');

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'stripe-temporal-test-'));
  const logDir = path.join(scratch, 'logs');
  mkdirSync(logDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // Every client and worker of the run encrypts payloads, as production does: one key per run.
    ...(!process.env.TEMPORAL_PAYLOAD_KEYS &&
      !process.env.TEMPORAL_PAYLOAD_KEYS_FILE && { TEMPORAL_PAYLOAD_KEYS: generatePayloadKey('test-run') }),
    TEST_LOG_DIR: logDir,
  };
  let server: DevServer | undefined;
  const testPostgres = needsPostgres ? await provideTestPostgres(scratch, logDir) : undefined;
  if (testPostgres) {
    console.log(`# ${testPostgres.description}`);
    env.TEST_DATABASE_URL = testPostgres.url;
  }
  if (needsTemporal) {
    const started = Date.now();
    server = await startDevServer({ logFile: path.join(logDir, 'temporal.log') });
    console.log(`# Temporal dev server on ${server.address} (ready in ${Date.now() - started} ms)`);
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../workflows'),
      failureConverterPath: FAILURE_CONVERTER_PATH,
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    });
    const bundlePath = path.join(scratch, 'workflow-bundle.js');
    await writeFile(bundlePath, code);
    env.TEST_TEMPORAL_ADDRESS = server.address;
    env.TEST_WORKFLOW_BUNDLE = bundlePath;
  }

  const files = tiers
    .flatMap(testFiles)
    .filter(
      (file) => fileFilters.length === 0 || fileFilters.some((part) => path.basename(file).includes(part)),
    );
  if (files.length === 0) throw new Error(`no test file matches ${fileFilters.join(', ')}`);
  const testsPassed = await new Promise<boolean>((resolve) => {
    // Piped output is not a terminal: ask for the reporter node --test would pick on one.
    const reporter = process.stdout.isTTY ? ['--test-reporter=spec'] : [];
    const args = ['--import', 'tsx', '--test', '--test-concurrency=2', ...reporter, ...files];
    const child = spawn(process.execPath, args, {
      env,
      stdio: ['inherit', 'pipe', 'pipe'],
    });
    // Shown as it comes, and kept for the log-hygiene check.
    const output = createWriteStream(path.join(logDir, 'test-output.log'));
    child.stdout.on('data', (chunk: Buffer) => (process.stdout.write(chunk), output.write(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (process.stderr.write(chunk), output.write(chunk)));
    child.once('close', (code, signal) => output.end(() => resolve(code === 0 && !signal)));
  });
  await server?.stop();
  await testPostgres?.stop();
  const clean = checkLogHygiene(logDir);
  if (testsPassed && clean) await rm(scratch, { recursive: true, force: true });
  else console.log(`# logs kept in ${logDir}`);
  process.exit(testsPassed && clean ? 0 : 1);
}

/** No email, name, phone number or address line of the fixtures in any log of the run. */
function checkLogHygiene(logDir: string): boolean {
  const personal = personalDataIn(FIXTURES_DIR);
  const files = logFilesIn(logDir);
  const leaks = findLeaks(files, personal);
  if (leaks.length === 0) {
    console.log(`# log hygiene: none of ${personal.length} personal values in ${files.length} log files`);
    return true;
  }
  console.error(`# log hygiene FAILED: personal data from the fixtures appears in the logs`);
  for (const leak of leaks) {
    console.error(
      `#   ${leak.field} (${leak.masked}) × ${leak.occurrences} in ${path.relative(logDir, leak.logFile)}`,
    );
  }
  return false;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

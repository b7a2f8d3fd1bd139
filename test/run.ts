/**
 * `npm test`: runs every tier against real services.
 *   unit        pure functions, no services
 *   activities  handlers against a real Postgres
 *   workflows   workflows on a real Temporal dev server (+ Postgres)
 *   integration HTTP → ingress → Temporal → worker → Postgres, with fixtures signed for real
 *   faults      real worker and ingress processes under Postgres and Temporal outages, crashes,
 *               duplicate replicas and hostile input (FAULTS_FULL=1, `npm run faults`: full size)
 *   cluster     the integration suite's essential cases, bad certificates and a server SIGKILLed
 *               under load, on a real Temporal cluster over mTLS (CLUSTER_FULL=1,
 *               `npm run test:cluster`: full size)
 *
 * One workflow bundle is made here, and one Temporal server per kind of tier, shared by every test
 * file through the environment: a dev server (in memory, headless) for the first tiers, then, once
 * it is stopped, a cluster (helpers/cluster-tier.ts) whose client-certificate variables the cluster
 * tier's processes get. Each file uses its own task queue and its own database, on
 * TEST_DATABASE_URL, the default address, or else a throwaway Postgres started here
 * (helpers/test-postgres.ts); the cluster keeps its databases there too.
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
import { startTierCluster } from './helpers/cluster-tier';
import { provideTestPostgres } from './helpers/test-postgres';
import { isTemporalConnectionVariable } from './helpers/test-env';

const TIERS = ['unit', 'activities', 'workflows', 'integration', 'faults', 'cluster'] as const;
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
  const pick = (list: readonly Tier[]) =>
    list
      .flatMap(testFiles)
      .filter(
        (file) => fileFilters.length === 0 || fileFilters.some((part) => path.basename(file).includes(part)),
      );
  const devFiles = pick(tiers.filter((tier) => tier !== 'cluster'));
  const clusterFiles = pick(tiers.filter((tier) => tier === 'cluster'));
  if (devFiles.length + clusterFiles.length === 0)
    throw new Error(`no test file matches ${fileFilters.join(', ')}`);
  const needsPostgres = [...devFiles, ...clusterFiles].some(
    (file) => !file.includes(`${path.sep}unit${path.sep}`),
  );
  const needsDevServer = devFiles.some((file) => /[/\\](workflows|integration|faults)[/\\]/.test(file));

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'stripe-temporal-test-'));
  const logDir = path.join(scratch, 'logs');
  mkdirSync(logDir);
  const env: NodeJS.ProcessEnv = {
    // A developer's own TEMPORAL_ADDRESS, TLS or profile must not point the tests elsewhere.
    ...Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !isTemporalConnectionVariable(name)),
    ),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // Every client and worker of the run encrypts payloads, as production does: one key per run.
    ...(!process.env.TEMPORAL_PAYLOAD_KEYS &&
      !process.env.TEMPORAL_PAYLOAD_KEYS_FILE && { TEMPORAL_PAYLOAD_KEYS: generatePayloadKey('test-run') }),
    TEST_LOG_DIR: logDir,
  };
  const testPostgres = needsPostgres ? await provideTestPostgres(scratch, logDir) : undefined;
  if (testPostgres) {
    console.log(`# ${testPostgres.description}`);
    env.TEST_DATABASE_URL = testPostgres.url;
  }
  if (needsDevServer || clusterFiles.length > 0) env.TEST_WORKFLOW_BUNDLE = await writeBundle(scratch);

  let testsPassed = true;
  if (devFiles.length > 0) {
    let server: DevServer | undefined;
    if (needsDevServer) {
      const started = Date.now();
      server = await startDevServer({ logFile: path.join(logDir, 'temporal.log') });
      console.log(`# Temporal dev server on ${server.address} (ready in ${Date.now() - started} ms)`);
      env.TEST_TEMPORAL_ADDRESS = server.address;
    }
    try {
      testsPassed = await runFiles(devFiles, env, logDir, 'test-output.log');
    } finally {
      await server?.stop();
    }
  }
  if (clusterFiles.length > 0) {
    const started = Date.now();
    // Inside the log folder: the server's log is searched for personal data like every other.
    const tier = await startTierCluster(path.join(logDir, 'cluster'), env.TEST_DATABASE_URL);
    console.log(`# Temporal cluster on ${tier.cluster.address}, mTLS (ready in ${Date.now() - started} ms)`);
    try {
      // The outage test SIGKILLs the server the other files use: it runs alone, after them.
      const clusterEnv = { ...env, ...tier.env };
      const alone = clusterFiles.filter((file) => path.basename(file).includes('outage'));
      const together = clusterFiles.filter((file) => !alone.includes(file));
      for (const [files, output] of [
        [together, 'cluster-output.log'],
        [alone, 'cluster-outage-output.log'],
      ] as const) {
        if (files.length > 0)
          testsPassed = (await runFiles(files, clusterEnv, logDir, output)) && testsPassed;
      }
    } finally {
      await tier.stop();
    }
  }
  await testPostgres?.stop();
  const clean = checkLogHygiene(logDir);
  if (testsPassed && clean) await rm(scratch, { recursive: true, force: true });
  else console.log(`# logs kept in ${logDir}`);
  process.exit(testsPassed && clean ? 0 : 1);
}

async function writeBundle(scratch: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  const bundlePath = path.join(scratch, 'workflow-bundle.js');
  await writeFile(bundlePath, code);
  return bundlePath;
}

/** `node --test` over the files, its output shown as it comes and kept for the log-hygiene check. */
function runFiles(
  files: string[],
  env: NodeJS.ProcessEnv,
  logDir: string,
  outputFile: string,
  concurrency = 2,
): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    // Piped output is not a terminal: ask for the reporter node --test would pick on one.
    const reporter = process.stdout.isTTY ? ['--test-reporter=spec'] : [];
    const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...reporter, ...files];
    const child = spawn(process.execPath, args, { env, stdio: ['inherit', 'pipe', 'pipe'] });
    const output = createWriteStream(path.join(logDir, outputFile));
    child.stdout.on('data', (chunk: Buffer) => (process.stdout.write(chunk), output.write(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (process.stderr.write(chunk), output.write(chunk)));
    child.once('close', (code, signal) => output.end(() => resolve(code === 0 && !signal)));
  });
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

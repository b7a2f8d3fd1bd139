/**
 * `npm run cluster`: a real Temporal cluster for a person, on the local Postgres with mTLS, kept in
 * .data/cluster/ (certificates, config, logs) and in the databases temporal and temporal_visibility,
 * both reused by the next run. Prints how to connect; Ctrl-C stops it (the databases stay unless
 * --drop-databases).
 *
 *   npm run cluster -- [--namespace NAME] [--shards N] [--no-ui] [--postgres-url URL]
 *                      [--database-prefix PREFIX] [--drop-databases]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startCluster } from './cluster';
import type { Cluster } from './cluster';

const USAGE =
  'usage: npm run cluster -- [--namespace NAME] [--shards N] [--no-ui] [--postgres-url URL] ' +
  '[--database-prefix PREFIX] [--drop-databases]';

function options() {
  const { values } = parseArgs({
    options: {
      namespace: { type: 'string', default: 'default' },
      shards: { type: 'string', default: '4' },
      'no-ui': { type: 'boolean', default: false },
      'postgres-url': { type: 'string' },
      'database-prefix': { type: 'string', default: '' },
      'drop-databases': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const shards = Number(values.shards);
  if (!Number.isInteger(shards) || shards < 1)
    throw new Error(`--shards must be a positive integer, got "${values.shards}"`);
  return { ...values, shards };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function describe(cluster: Cluster): string {
  const { timings, env, tls } = cluster;
  const exports = Object.entries(env).map(([name, value]) => `  export ${name}=${value}`);
  return `
Temporal cluster ${cluster.address} (mTLS), namespace ${cluster.namespace}
  Web UI    ${cluster.uiUrl ?? `none (${cluster.uiError ?? 'disabled with --no-ui'})`}
  metrics   ${cluster.metricsUrl}
  log       ${cluster.logFile}
  ready in  ${seconds(timings.total)}: binaries ${seconds(timings.binaries)}, databases ${cluster.databases.main} and ${cluster.databases.visibility} ${seconds(timings.databases)}, server ${seconds(timings.server)}, namespace ${seconds(timings.namespace)}

Connect with the client certificate (the Temporal CLI and @temporalio/envconfig read these):
${exports.join('\n')}

  temporal workflow list
  temporal workflow list --address ${cluster.address} --tls-ca-path ${tls.caPath} \\
    --tls-cert-path ${tls.certPath} --tls-key-path ${tls.keyPath} --tls-server-name ${tls.serverName}

Ctrl-C stops it.`;
}

async function main(): Promise<void> {
  const args = options();
  const dir = path.resolve(process.env.DATA_DIR?.trim() || '.data', 'cluster');
  console.log(`Starting a Temporal cluster in ${dir} ...`);
  const cluster = await startCluster({
    dir,
    namespace: args.namespace,
    historyShards: args.shards,
    ui: !args['no-ui'],
    databasePrefix: args['database-prefix'],
    ...(args['postgres-url'] ? { postgresUrl: args['postgres-url'] } : {}),
    log: (line) => console.log(line),
  });
  console.log(describe(cluster));

  const reason = await new Promise<string>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
    // The server can also die on its own (Postgres gone, a port taken): say so instead of hanging.
    const watch = setInterval(() => {
      const exit = cluster.exitReason();
      if (exit) resolve(`the server exited (${exit}); see ${cluster.logFile}`);
    }, 1000);
    watch.unref();
  });
  console.log(`\nStopping (${reason}) ...`);
  await cluster.stop({ dropDatabases: args['drop-databases'] });
  if (args['drop-databases'])
    console.log(`Dropped ${cluster.databases.main} and ${cluster.databases.visibility}.`);
  process.exit(reason.startsWith('SIG') ? 0 : 1);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

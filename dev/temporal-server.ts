/**
 * Finds, and builds when needed, the three programs of a real Temporal cluster (dev/cluster.ts):
 *   temporal-server     go.temporal.io/server/cmd/server         $TEMPORAL_SERVER_PATH
 *   temporal-sql-tool   go.temporal.io/server/cmd/tools/sql      $TEMPORAL_SQL_TOOL_PATH
 *   temporal-ui-server  github.com/temporalio/ui-server/v2/cmd/server  $TEMPORAL_UI_SERVER_PATH
 * in the same order as the CLI (dev/temporal-cli.ts): the path variable, PATH, Go's bin folder,
 * then a build with Go.
 *
 * Versions: the server the Temporal CLI v1.5.1 embeds (v1.29.1, also docker-compose.yml's), and the
 * UI server v1.5.1's go.mod requires, so the cluster runs the code `npm start`'s dev server runs.
 * They are built with `go build -o` inside the downloaded module because `go install` names the
 * binary after its folder (`server`, `sql`).
 *
 * Run directly (`npm run temporal:server [-- --no-ui]`) it prints each path and how long finding or
 * building it took.
 */
import { findGoTool, findOrBuildGoTool } from './go-tools';
import type { GoTool, ToolLookup } from './go-tools';

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
/** github.com/temporalio/cli@v1.5.1's go.mod requires this ui-server. */
export const UI_SERVER_VERSION = 'v2.42.1';

const SERVER_MODULE = `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`;
const UI_MODULE = `github.com/temporalio/ui-server/v2@${UI_SERVER_VERSION}`;

export const TEMPORAL_SERVER: GoTool = {
  binary: 'temporal-server',
  pathVariable: 'TEMPORAL_SERVER_PATH',
  package: `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`,
  build: { module: SERVER_MODULE, subdirectory: 'cmd/server' },
};

export const TEMPORAL_SQL_TOOL: GoTool = {
  binary: 'temporal-sql-tool',
  pathVariable: 'TEMPORAL_SQL_TOOL_PATH',
  package: `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
  build: { module: SERVER_MODULE, subdirectory: 'cmd/tools/sql' },
};

export const TEMPORAL_UI_SERVER: GoTool = {
  binary: 'temporal-ui-server',
  pathVariable: 'TEMPORAL_UI_SERVER_PATH',
  package: `github.com/temporalio/ui-server/v2/cmd/server@${UI_SERVER_VERSION}`,
  build: { module: UI_MODULE, subdirectory: 'cmd/server' },
};

export interface ClusterBinaries {
  server: ToolLookup;
  sqlTool: ToolLookup;
  /** Undefined when `ui: false` was asked, or when its build failed (`uiError` says why). */
  uiServer: ToolLookup | undefined;
  uiError: string | undefined;
  /** Milliseconds spent finding or building each, for the people waiting on a first build. */
  timings: Record<'server' | 'sqlTool' | 'uiServer', number>;
}

const NO_GO =
  "is not on PATH, not in Go's bin folder, and there is no Go to build it. Install Go (https://go.dev/dl, " +
  '/usr/local/go/bin is looked in too), or point';

function required(tool: GoTool, log: (line: string) => void): ToolLookup {
  const found = findOrBuildGoTool(tool, log);
  if (!found) throw new Error(`${tool.binary} ${NO_GO} ${tool.pathVariable} at a ${tool.package} binary.`);
  return found;
}

function timed<T>(run: () => T): [T, number] {
  const started = Date.now();
  const result = run();
  return [result, Date.now() - started];
}

/** Looks without building: what is missing would be built by findOrBuildClusterBinaries. */
export function findClusterBinaries(): Record<'server' | 'sqlTool' | 'uiServer', ToolLookup | undefined> {
  return {
    server: findGoTool(TEMPORAL_SERVER),
    sqlTool: findGoTool(TEMPORAL_SQL_TOOL),
    uiServer: findGoTool(TEMPORAL_UI_SERVER),
  };
}

/**
 * Builds what is missing. The server and the SQL tool are required (throws, naming the variable to
 * set); the UI is optional: a failed UI build is reported in `uiError`, and the cluster runs without.
 */
export function findOrBuildClusterBinaries(
  options: { ui?: boolean; log?: (line: string) => void } = {},
): ClusterBinaries {
  const log = options.log ?? console.error;
  const [server, serverMs] = timed(() => required(TEMPORAL_SERVER, log));
  const [sqlTool, sqlToolMs] = timed(() => required(TEMPORAL_SQL_TOOL, log));
  let uiServer: ToolLookup | undefined;
  let uiError: string | undefined;
  const [, uiMs] = timed(() => {
    if (options.ui === false) return;
    try {
      uiServer = findOrBuildGoTool(TEMPORAL_UI_SERVER, log);
      if (!uiServer) uiError = `${TEMPORAL_UI_SERVER.binary} ${NO_GO} ${TEMPORAL_UI_SERVER.pathVariable}.`;
    } catch (err) {
      uiError = `${TEMPORAL_UI_SERVER.package}: ${err instanceof Error ? err.message : String(err)}`;
    }
  });
  return {
    server,
    sqlTool,
    uiServer,
    uiError,
    timings: { server: serverMs, sqlTool: sqlToolMs, uiServer: uiMs },
  };
}

if (require.main === module) {
  const binaries = findOrBuildClusterBinaries({ ui: !process.argv.includes('--no-ui') });
  for (const name of ['server', 'sqlTool', 'uiServer'] as const) {
    const found = binaries[name];
    const seconds = (binaries.timings[name] / 1000).toFixed(1);
    console.log(`${name.padEnd(8)} ${found ? `${found.path} (${found.source}, ${seconds} s)` : 'none'}`);
  }
  if (binaries.uiError) console.error(`UI server unavailable: ${binaries.uiError}`);
}

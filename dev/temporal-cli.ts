/**
 * Finds the Temporal CLI, building it when needed. Order:
 *   1. $TEMPORAL_CLI_PATH   2. `temporal` on PATH   3. Go's bin folder
 *   4. `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` when Go is present
 *   5. nothing found: callers fall back to the SDK's own download (needs internet).
 *
 * v1.5.1 because later tags carry a `replace` directive and cannot be go-installed. The build
 * lands in Go's usual folders (GOPATH/bin, GOMODCACHE, GOCACHE), so CI caches it like any module.
 *
 * Run directly (`npm run temporal:cli`) it prints the path, building first if it must.
 */
import { findGoTool, findOrBuildGoTool } from './go-tools';
import type { GoTool, ToolLookup } from './go-tools';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

const TEMPORAL_CLI: GoTool = {
  binary: 'temporal',
  pathVariable: 'TEMPORAL_CLI_PATH',
  package: TEMPORAL_CLI_MODULE,
  build: 'install',
};

export type CliLookup = ToolLookup;

/** Looks without building. */
export function findTemporalCli(): CliLookup | undefined {
  return findGoTool(TEMPORAL_CLI);
}

/** Looks, then builds with `go install` when Go is present. Undefined: use the SDK download. */
export function findOrBuildTemporalCli(log: (line: string) => void = console.error): CliLookup | undefined {
  return findOrBuildGoTool(TEMPORAL_CLI, log);
}

if (require.main === module) {
  const cli = findOrBuildTemporalCli();
  if (!cli) {
    console.error('No Temporal CLI and no Go toolchain: the SDK will download the dev server on first use.');
    process.exit(0);
  }
  console.log(cli.path);
}

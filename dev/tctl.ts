/**
 * Finds tctl, the Temporal CLI's predecessor that the design's runbooks name
 * (`tctl workflow reset`), building it when needed. Order:
 *   1. $TCTL_PATH   2. `tctl` on PATH   3. Go's bin folder
 *   4. a build of github.com/temporalio/tctl v1.18.0 when Go is present.
 *
 * Why v1.18.0 and not a plain `go install`: the module proxy this project is built against serves
 * v1.18.0 but answers 403 for v1.18.1 and later, and for the module's version list, which
 * `go install pkg@version` reads for its deprecation check. So the module is downloaded and built
 * with its own go.mod and go.sum (dev/go-tools.ts). tctl is deprecated upstream; `temporal` is the
 * supported CLI, tctl is kept for operators whose runbooks use it.
 *
 * Run directly (`npx tsx dev/tctl.ts`) it prints the path, building first if it must.
 */
import { findOrBuildGoTool } from './go-tools';
import type { GoTool, ToolLookup } from './go-tools';

export const TCTL_VERSION = 'v1.18.0';

const TCTL: GoTool = {
  binary: 'tctl',
  pathVariable: 'TCTL_PATH',
  package: `github.com/temporalio/tctl/cmd/tctl@${TCTL_VERSION}`,
  build: { module: `github.com/temporalio/tctl@${TCTL_VERSION}`, subdirectory: 'cmd/tctl' },
};

/** Looks, then builds with Go when Go is present. Undefined: no tctl and no Go. */
export function findOrBuildTctl(log: (line: string) => void = console.error): ToolLookup | undefined {
  return findOrBuildGoTool(TCTL, log);
}

if (require.main === module) {
  const tctl = findOrBuildTctl();
  if (!tctl) {
    console.error(`No tctl and no Go toolchain to build it: install Go, or set TCTL_PATH.`);
    process.exit(1);
  }
  console.log(tctl.path);
}

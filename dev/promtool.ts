/**
 * Finds promtool, Prometheus's checker for rule files (`promtool check rules`, `promtool test
 * rules`), building it when needed. Order: $PROMTOOL_PATH, `promtool` on PATH, Go's bin folder,
 * then `go install github.com/prometheus/prometheus/cmd/promtool@v0.316.0` when Go is present.
 *
 * Run directly (`npx tsx dev/promtool.ts`) it prints the path, building first if it must.
 */
import { findOrBuildGoTool } from './go-tools';
import type { GoTool, ToolLookup } from './go-tools';

/** Prometheus's Go module versions are v0.<major><minor>.<patch>: v0.316.0 is Prometheus 3.16.0. */
export const PROMTOOL_VERSION = 'v0.316.0';

const PROMTOOL: GoTool = {
  binary: 'promtool',
  pathVariable: 'PROMTOOL_PATH',
  package: `github.com/prometheus/prometheus/cmd/promtool@${PROMTOOL_VERSION}`,
  build: 'install',
};

/** Looks, then builds with Go when Go is present. Undefined: no promtool and no Go. */
export function findOrBuildPromtool(log: (line: string) => void = console.error): ToolLookup | undefined {
  return findOrBuildGoTool(PROMTOOL, log);
}

if (require.main === module) {
  const promtool = findOrBuildPromtool();
  if (!promtool) {
    console.error('No promtool and no Go toolchain to build it: install Go, or set PROMTOOL_PATH.');
    process.exit(1);
  }
  console.log(promtool.path);
}

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
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export interface CliLookup {
  path: string;
  source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'go bin' | 'go install';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, binary))) return path.join(dir, binary);
  }
  return undefined;
}

function goBinary(): string | undefined {
  return onPath('go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

function goBinDir(go = goBinary()): string | undefined {
  if (!go) return undefined;
  const gobin = execFileSync(go, ['env', 'GOBIN'], { encoding: 'utf8' }).trim();
  if (gobin) return gobin;
  const gopath = execFileSync(go, ['env', 'GOPATH'], { encoding: 'utf8' }).trim().split(path.delimiter)[0];
  return gopath ? path.join(gopath, 'bin') : undefined;
}

/** Looks without building. */
export function findTemporalCli(): CliLookup | undefined {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new Error(
        `TEMPORAL_CLI_PATH=${explicit} is not an executable file; unset it or point it at the CLI`,
      );
    }
    return { path: explicit, source: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath('temporal');
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const binDir = goBinDir();
  if (binDir && isExecutable(path.join(binDir, 'temporal'))) {
    return { path: path.join(binDir, 'temporal'), source: 'go bin' };
  }
  return undefined;
}

/** Looks, then builds with `go install` when Go is present. Undefined: use the SDK download. */
export function findOrBuildTemporalCli(log: (line: string) => void = console.error): CliLookup | undefined {
  const found = findTemporalCli();
  if (found) return found;
  const go = goBinary();
  if (!go) return undefined;
  log(`Temporal CLI not found; building ${TEMPORAL_CLI_MODULE} with Go (a few minutes, once)...`);
  const build = spawnSync(go, ['install', TEMPORAL_CLI_MODULE], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0) {
    throw new Error(`go install ${TEMPORAL_CLI_MODULE} failed with exit code ${build.status}`);
  }
  const binDir = goBinDir(go);
  const built = binDir ? path.join(binDir, 'temporal') : undefined;
  if (!built || !isExecutable(built))
    throw new Error(`go install succeeded but no temporal binary in ${binDir}`);
  return { path: built, source: 'go install' };
}

if (require.main === module) {
  const cli = findOrBuildTemporalCli();
  if (!cli) {
    console.error('No Temporal CLI and no Go toolchain: the SDK will download the dev server on first use.');
    process.exit(0);
  }
  console.log(cli.path);
}

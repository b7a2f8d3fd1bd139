/**
 * Finds, and builds when needed, the Go command-line tools this project drives (the Temporal CLI,
 * tctl). Order: the tool's own path variable, the binary on PATH, Go's bin folder, then a build
 * with Go when Go is present. Builds land in Go's usual folders (GOPATH/bin, GOMODCACHE, GOCACHE),
 * so CI caches them like any module.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface GoTool {
  /** The executable's name, also the name the build writes into Go's bin folder. */
  binary: string;
  /** An explicit path in this environment variable wins over every other place. */
  pathVariable: string;
  /** `<main package>@<version>`, e.g. github.com/temporalio/cli/cmd/temporal@v1.5.1. */
  package: string;
  /**
   * `install`: `go install <package>`. `module-build`: `go mod download` of the module, then
   * `go build -o <binary>` inside it, for modules whose `go install` fails only because the module
   * proxy refuses the version list that `go install` reads for its deprecation check, and for
   * main packages whose directory name would make a poor binary name (`cmd/server`).
   */
  build: 'install' | { module: string; subdirectory: string };
}

export interface ToolLookup {
  path: string;
  source: 'path variable' | 'PATH' | 'go bin' | 'go build';
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
export function findGoTool(tool: GoTool): ToolLookup | undefined {
  const explicit = process.env[tool.pathVariable];
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new Error(
        `${tool.pathVariable}=${explicit} is not an executable file; unset it or point it at ${tool.binary}`,
      );
    }
    return { path: explicit, source: 'path variable' };
  }
  const fromPath = onPath(tool.binary);
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const binDir = goBinDir();
  if (binDir && isExecutable(path.join(binDir, tool.binary))) {
    return { path: path.join(binDir, tool.binary), source: 'go bin' };
  }
  return undefined;
}

function runGo(go: string, args: string[], cwd?: string): void {
  const result = spawnSync(go, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`go ${args.join(' ')} failed with exit code ${result.status}`);
}

function build(go: string, tool: GoTool, binDir: string): void {
  if (tool.build === 'install') {
    runGo(go, ['install', tool.package]);
    return;
  }
  const { module, subdirectory } = tool.build;
  const download = spawnSync(go, ['mod', 'download', '-json', module], { encoding: 'utf8' });
  const moduleDir = download.status === 0 ? (JSON.parse(download.stdout) as { Dir?: string }).Dir : undefined;
  if (!moduleDir) {
    throw new Error(`go mod download ${module} failed (exit code ${download.status}): ${download.stderr}`);
  }
  mkdirSync(binDir, { recursive: true });
  // Built with the module's own go.mod and go.sum, as `go install` would.
  runGo(go, ['build', '-o', path.join(binDir, tool.binary), `./${subdirectory}`], moduleDir);
}

/** Looks, then builds with Go when Go is present. Undefined: not found and no Go to build it. */
export function findOrBuildGoTool(
  tool: GoTool,
  log: (line: string) => void = console.error,
): ToolLookup | undefined {
  const found = findGoTool(tool);
  if (found) return found;
  const go = goBinary();
  if (!go) return undefined;
  const binDir = goBinDir(go);
  if (!binDir) throw new Error('go env GOPATH is empty: cannot tell where Go puts binaries');
  log(`${tool.binary} not found; building ${tool.package} with Go (a few minutes, once)...`);
  build(go, tool, binDir);
  const built = path.join(binDir, tool.binary);
  if (!isExecutable(built))
    throw new Error(`the build succeeded but there is no ${tool.binary} in ${binDir}`);
  return { path: built, source: 'go build' };
}

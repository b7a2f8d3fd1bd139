/**
 * A Chromium for the Web UI browser test, in this order:
 *   1. CHROMIUM_PATH;
 *   2. a system Chromium or Chrome on PATH (Debian's `chromium`, `chromium-browser`, `google-chrome`);
 *   3. the one inside the @sparticuz/chromium npm package, so `npm ci` alone is enough.
 *
 * The package is built for AWS Lambda and unpacks itself into a fixed /tmp/chromium that
 * concurrent runs would race on; here its brotli files are unpacked once per version into
 * node_modules/.cache, atomically, with the libraries it links (NSS; Debian installs them
 * only with a browser) and its fonts.
 */
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  createReadStream,
  createWriteStream,
  existsSync,
  readFileSync,
} from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { brotliDecompressSync, createBrotliDecompress } from 'node:zlib';

export interface Chromium {
  executablePath: string;
  /** Extra environment for the browser process. */
  env: Record<string, string>;
  /** Where it came from, for the test's diagnostics. */
  source: string;
}

const SYSTEM_BINARIES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

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

function packageDir(): string {
  try {
    // The package's `exports` hide package.json; its main file lives in build/cjs/.
    return path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '..', '..');
  } catch {
    throw new Error(
      'No Chromium: CHROMIUM_PATH is unset, none is on PATH, and the @sparticuz/chromium package ' +
        'is not installed. Run `npm ci` (it is a devDependency), or set CHROMIUM_PATH.',
    );
  }
}

function untar(archive: string, into: string): void {
  const result = spawnSync('tar', ['-x', '-C', into], { input: brotliDecompressSync(readFileSync(archive)) });
  if (result.status !== 0) throw new Error(`tar -x ${archive}: ${result.stderr?.toString() ?? result.error}`);
}

async function unpackBundled(): Promise<Chromium> {
  const pkg = packageDir();
  const { version } = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version: string };
  const cacheRoot = path.join(pkg, '..', '..', '.cache', 'stripe-temporal');
  const target = path.join(cacheRoot, `chromium-${version}`);
  const layout = {
    executablePath: path.join(target, 'chromium'),
    env: {
      // Before the system's: the package's NSS works where the system has none or another.
      LD_LIBRARY_PATH: [path.join(target, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_FILE: path.join(target, 'fonts.conf'),
    },
    source: `@sparticuz/chromium ${version}, unpacked in ${path.relative(process.cwd(), target)}`,
  };
  if (existsSync(layout.executablePath)) return layout;

  await mkdir(cacheRoot, { recursive: true });
  const staging = await mkdtemp(path.join(cacheRoot, 'unpacking-'));
  try {
    const bin = path.join(pkg, 'bin');
    await pipeline(
      createReadStream(path.join(bin, 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(path.join(staging, 'chromium')),
    );
    await chmod(path.join(staging, 'chromium'), 0o755);
    untar(path.join(bin, 'al2023.tar.br'), staging); // lib/libnss3.so, ...
    untar(path.join(bin, 'fonts.tar.br'), staging); // fonts/
    await writeFile(
      path.join(staging, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
        `  <dir>${path.join(target, 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n` +
        `  <cachedir>${path.join(target, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    // Another run may have finished first: then its copy is as good as this one.
    await rename(staging, target).catch((err: NodeJS.ErrnoException) => {
      if (!existsSync(layout.executablePath)) throw err;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return layout;
}

export async function findChromium(): Promise<Chromium> {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new Error(
        `CHROMIUM_PATH=${explicit} is not an executable file; unset it to use another Chromium`,
      );
    }
    return { executablePath: explicit, env: {}, source: 'CHROMIUM_PATH' };
  }
  for (const binary of SYSTEM_BINARIES) {
    const found = onPath(binary);
    if (found) return { executablePath: found, env: {}, source: `${found} on PATH` };
  }
  return unpackBundled();
}

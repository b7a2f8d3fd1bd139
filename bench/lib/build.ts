/**
 * Compiles the production entry points, and the alternative designs' servers, to plain JavaScript
 * in a private folder under .data/, so the benchmark runs every process as `node <file>.js` the way
 * production does (`npm run build`): no tsx loader, and a prebundled workflow file, so the worker
 * starts without webpack and its memory is not inflated by it.
 *
 * Each file is transpiled on its own with TypeScript's transpileModule (the project compiles with
 * isolatedModules, so that is equivalent): no type check, so a type error elsewhere in the working
 * tree cannot stop a benchmark; `npm run typecheck` covers those.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../../common/data-converter';
import ts from 'typescript';

export const ROOT = path.join(__dirname, '..', '..');
// Everything production code may import (read from the tree, so a new top-level folder is picked
// up), plus the alternative designs' servers; tests, dev tools and the bench harness stay out.
const SKIPPED = new Set(['node_modules', 'dist', 'test', 'test-artifacts', 'bench', 'dev']);
function sourceDirs(): string[] {
  const dirs = readdirSync(ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !SKIPPED.has(entry.name))
    .map((entry) => entry.name);
  return [...dirs, 'bench/servers'];
}

export interface BenchBuild {
  /** Where `ingress/main.js`, `worker/main.js` and `bench/servers/*.js` are. */
  dir: string;
  remove(): void;
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return typeScriptFiles(file);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [file] : [];
  });
}

export async function buildForBench(name: string): Promise<BenchBuild> {
  const dir = path.join(ROOT, '.data', 'bench', `build-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const compilerOptions: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
  };
  for (const source of sourceDirs().flatMap((sub) => typeScriptFiles(path.join(ROOT, sub)))) {
    const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
      compilerOptions,
      fileName: source,
    });
    const out = path.join(dir, path.relative(ROOT, source)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  const tuning = process.env.BENCH_WORKER_TUNING;
  if (tuning) {
    // Worker settings to try without editing worker/tuning.ts, which every test worker shares.
    JSON.parse(tuning);
    const file = path.join(dir, 'worker', 'tuning.js');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nObject.assign(exports.workerTuning, ${tuning});\n`);
  }
  cpSync(path.join(ROOT, 'db', 'migrations'), path.join(dir, 'db', 'migrations'), { recursive: true });
  // Where worker/create-worker.ts looks for the prebundled workflows (WORKFLOW_BUNDLE_PATH).
  const { code } = await bundleWorkflowCode({
    // BENCH_WORKFLOWS_PATH: a scratch copy of workflows/ to measure a variant (e.g. local activities).
    workflowsPath: process.env.BENCH_WORKFLOWS_PATH ?? require.resolve('../../workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  writeFileSync(path.join(dir, 'workflow-bundle.js'), code);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

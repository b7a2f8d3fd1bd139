/**
 * The Dockerfile docker-compose.yml builds, checked by reading it: multi-stage, the final stage ships
 * the compiled dist with production-only node_modules, runs the worker, not as root; and the build
 * context keeps secrets and local state out.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.join(__dirname, '..', '..');

interface Stage {
  from: string;
  name: string | undefined;
  lines: string[];
}

/** Dockerfile stages: FROM image (ARG defaults resolved) AS name, and each stage's instructions. */
function dockerfileStages(source: string): Stage[] {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  const instructions = source
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  for (const line of instructions) {
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      const image = from[1]!.replace(/\$\{?(\w+)\}?/g, (_, name: string) => args[name] ?? '');
      stages.push({ from: image, name: from[2], lines: [] });
      continue;
    }
    const arg = /^ARG\s+(\w+)=(\S+)/i.exec(line);
    if (arg && stages.length === 0) args[arg[1]!] = arg[2]!;
    stages.at(-1)?.lines.push(line);
  }
  return stages;
}

describe('Dockerfile', () => {
  const file = path.join(ROOT, 'Dockerfile');

  it('exists, and its final stage ships the dist that a build stage compiles', () => {
    assert.ok(existsSync(file), 'Dockerfile is missing');
    const stages = dockerfileStages(readFileSync(file, 'utf8'));
    assert.ok(stages.length >= 2, 'expected a multi-stage build');
    for (const stage of stages) assert.equal(stage.from, 'node:20-bookworm-slim');

    const builder = stages.find((stage) =>
      stage.lines.some((line) => /^RUN\b.*\bnpm run build\b/.test(line)),
    );
    assert.ok(builder?.name, 'no named stage runs `npm run build`');
    assert.ok(
      builder.lines.some((line) => /^RUN\b.*\bnpm ci\b/.test(line)),
      'the build stage must install with npm ci',
    );

    const final = stages.at(-1)!;
    assert.notEqual(final, builder, 'the final stage should not carry the build toolchain');
    const copies = final.lines.filter((line) => line.startsWith('COPY'));
    const from = `--from=${builder.name}`;
    assert.ok(
      copies.some((line) => line.includes(from) && /\/dist\s+\S*dist\/?$/.test(line)),
      `final stage must COPY ${from} …/dist ./dist`,
    );
    assert.ok(
      copies.some((line) => /db\/migrations\s+\S*dist\/db\/migrations\/?$/.test(line)),
      'db/migrations must be copied to dist/db/migrations (dist/db/client.js reads __dirname/migrations)',
    );
    const modules = copies.find((line) => /node_modules/.test(line));
    assert.ok(modules, 'final stage has no node_modules');
    const depsStage = stages.find((stage) => modules.includes(`--from=${stage.name}`));
    assert.ok(
      depsStage?.lines.some((line) => /npm ci\b.*--omit=dev/.test(line)),
      'final node_modules must come from `npm ci --omit=dev`',
    );
    assert.ok(final.lines.includes('CMD ["node", "dist/worker/main.js"]'), 'default CMD must run the worker');
    assert.ok(
      final.lines.some((line) => /^USER\s+(?!root\b)\S+/.test(line)),
      'final stage should not run as root',
    );
  });

  it('keeps secrets and local state out of the build context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split(/\r?\n/)
      .map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', '.data', '.env', '.git']) {
      assert.ok(ignored.includes(entry), `.dockerignore should list ${entry}`);
    }
  });
});

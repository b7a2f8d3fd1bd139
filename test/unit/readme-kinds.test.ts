import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REFETCHABLE_OBJECTS } from '../../activities';
import { ROUTES } from '../../common/routing';

const README = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The text of a README section, from its heading to the next heading of any level. */
function section(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `README has a "${heading}" section`);
  const rest = README.slice(start + heading.length + 2);
  return rest.slice(0, rest.search(/\n#{2,3} /));
}

/**
 * Event type → handler as the README's table lists them. A cell abbreviates types of one family
 * after the first: `customer.created`, `.updated` is customer.created and customer.updated.
 */
function readmeRoutes(): Map<string, string> {
  const routes = new Map<string, string>();
  for (const line of section('## What each event does').split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const handler = /^`(apply\w+)`$/.exec(cells[2] ?? '')?.[1];
    if (!handler) continue;
    let family = '';
    for (const [, code] of (cells[1] ?? '').matchAll(/`([^`]+)`/g)) {
      const type = code!.startsWith('.') ? `${family}${code}` : code!;
      family = type.slice(0, type.lastIndexOf('.'));
      assert.ok(!routes.has(type) || routes.get(type) === handler, `${type} listed with two handlers`);
      routes.set(type, handler);
    }
  }
  return routes;
}

describe('the README against the table of kinds', () => {
  it('lists every routed event type with its handler in "What each event does", and nothing else', () => {
    const documented = readmeRoutes();
    const missing = Object.keys(ROUTES).filter((type) => !documented.has(type));
    const extra = [...documented.keys()].filter((type) => !Object.hasOwn(ROUTES, type));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
    for (const [type, handler] of documented) assert.equal(handler, ROUTES[type], type);
  });

  it('names the kinds STRIPE_REFETCH_OBJECTS accepts in "Re-fetch mode"', () => {
    const kinds = /Kinds: ((?:`[^`]+`,?\s*(?:and\s*)?)+)\./.exec(section('### Re-fetch mode'))?.[1];
    assert.ok(kinds, 'Re-fetch mode lists its kinds as "Kinds: `a`, `b`."');
    const listed = [...kinds.matchAll(/`([^`]+)`/g)].map(([, kind]) => kind).sort();
    assert.deepEqual(listed, [...REFETCHABLE_OBJECTS].sort());
  });
});

/**
 * The metric names a PromQL expression reads. Not a PromQL parser: enough for the project's own
 * rules and dashboard, whose tests fail loudly (no names found) if an expression outgrows it.
 */
const KEYWORDS = new Set([
  'by',
  'without',
  'and',
  'or',
  'unless',
  'bool',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'inf',
  'nan',
]);

export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\[[^\]]*\]/g, ' '); // ranges
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const token = match[0];
    const next = stripped.slice(match.index + token.length).trimStart();
    if (next.startsWith('(') || KEYWORDS.has(token.toLowerCase())) continue;
    names.add(token);
  }
  return [...names];
}

/** Series names in Prometheus text format (histograms appear as _bucket, _sum, _count). */
export function exportedNames(metricsText: string): Set<string> {
  return new Set(
    metricsText
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.split(/[{ ]/, 1)[0]!),
  );
}

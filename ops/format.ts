/** Output helpers for the operations CLI: a plain text table, durations, relative times. */

/** Columns padded to their widest cell; cells are one line (newlines flattened). */
export function table(
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>,
): string {
  const cells = [headers, ...rows].map((row) => row.map((cell) => String(cell ?? '').replace(/\s+/g, ' ')));
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `key  value` lines, aligned, skipping undefined values. */
export function fields(
  entries: ReadonlyArray<[string, string | number | boolean | undefined | null]>,
): string {
  const shown = entries.filter(([, value]) => value !== undefined && value !== null);
  const width = Math.max(...shown.map(([key]) => key.length));
  return shown.map(([key, value]) => `${key.padEnd(width)}  ${String(value)}`).join('\n');
}

export function truncate(text: string | undefined, max = 80): string | undefined {
  if (text === undefined) return undefined;
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90s`, `10m`, `3h`, `3d`, `1w` → milliseconds. */
export function parseDuration(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(text.trim());
  if (!match) throw new UsageError(`${what} must be a duration such as 90s, 10m, 3h or 3d, got "${text}"`);
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}

/** A duration back from now (`3d`), an ISO date or a unix timestamp → unix seconds. */
export function parseSince(text: string, now = Date.now()): number {
  if (/^\d{9,10}$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new UsageError(`--since: not a date: "${text}"`);
    return Math.floor(ms / 1000);
  }
  return Math.floor((now - parseDuration(text, '--since')) / 1000);
}

/** `--rate 5/s`, `5` or `300/m` → per second. */
export function parseRate(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(?:\/(s|m))?$/.exec(text.trim());
  const rate = match ? Number(match[1]) / (match[2] === 'm' ? 60 : 1) : NaN;
  if (!(rate > 0)) throw new UsageError(`--rate must look like 5/s or 120/m, got "${text}"`);
  return rate;
}

/** 3d 4h, 12m 5s, 800ms. */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.floor(ms / 1000);
  const parts: Array<[number, string]> = [
    [Math.floor(seconds / 86400), 'd'],
    [Math.floor((seconds % 86400) / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ];
  const first = parts.findIndex(([value]) => value > 0);
  return parts
    .slice(first, first + 2)
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value}${unit}`)
    .join(' ');
}

export function ago(date: Date | undefined, now = Date.now()): string | undefined {
  return date ? `${humanDuration(now - date.getTime())} ago` : undefined;
}

/** Wrong arguments: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

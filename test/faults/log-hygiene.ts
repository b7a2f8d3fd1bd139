/**
 * Log hygiene: the personal data in the fixtures (emails, people's names, phone numbers, address
 * lines) must never reach a log. test/run.ts captures everything a test run prints, and every log
 * the processes it starts write, then calls findLeaks over all of it; any hit fails `npm test`.
 * A leak is reported by field and file, with the value masked, so the report does not leak too.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface PersonalValue {
  /** Where it comes from: `<fixture file>: <field path>`. */
  field: string;
  value: string;
}

export interface Leak {
  field: string;
  masked: string;
  logFile: string;
  occurrences: number;
}

const ALWAYS_PERSONAL =
  /^(e?mail|customer_email|receipt_email|billing_email|phone|customer_phone|line1|line2|first_name|last_name|account_holder_name|customer_name)$/;
/** Values shorter than this match too much unrelated text to be evidence (`asd`, `Apt`). */
const MIN_LENGTH = 5;

/**
 * `name` is personal only on a contact (an object that also has an email, phone or address: a
 * customer, billing or shipping details), not on products, prices or features.
 */
function isPersonal(key: string, holder: Record<string, unknown>): boolean {
  if (ALWAYS_PERSONAL.test(key)) return true;
  return key === 'name' && ['email', 'phone', 'address'].some((field) => field in holder);
}

function collect(value: unknown, where: string, file: string, into: Map<string, PersonalValue>): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => collect(item, `${where}[${index}]`, file, into));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const holder = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(holder)) {
    const field = where ? `${where}.${key}` : key;
    if (typeof child === 'string') {
      const personal = isPersonal(key, holder) && child.length >= MIN_LENGTH && child !== key;
      if (personal && !into.has(child)) into.set(child, { field: `${file}: ${field}`, value: child });
    } else {
      collect(child, field, file, into);
    }
  }
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return jsonFiles(full);
    return entry.name.endsWith('.json') ? [full] : [];
  });
}

/** Every personal value in the fixture files under `fixturesDir`, once each. */
export function personalDataIn(fixturesDir: string): PersonalValue[] {
  const found = new Map<string, PersonalValue>();
  for (const file of jsonFiles(fixturesDir).sort()) {
    collect(JSON.parse(readFileSync(file, 'utf8')), '', path.relative(fixturesDir, file), found);
  }
  return [...found.values()];
}

/** `je…om (19 chars)`: enough to tell values apart, not enough to read them. */
export function mask(value: string): string {
  return `${value.slice(0, 2)}…${value.slice(-2)} (${value.length} chars)`;
}

/** Every log file under `dir`, recursively. */
export function logFilesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return logFilesIn(full);
    return entry.name.endsWith('.log') && statSync(full).isFile() ? [full] : [];
  });
}

function count(haystack: string, needle: string): number {
  let found = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length))
    found += 1;
  return found;
}

/**
 * The personal values that occur in any of `logFiles`, matched case-insensitively and also in
 * their JSON-escaped form (how a structured log line would carry them).
 */
export function findLeaks(logFiles: string[], personal: PersonalValue[]): Leak[] {
  const leaks: Leak[] = [];
  for (const logFile of logFiles) {
    const text = readFileSync(logFile, 'utf8').toLowerCase();
    for (const { field, value } of personal) {
      const forms = new Set([value.toLowerCase(), JSON.stringify(value).slice(1, -1).toLowerCase()]);
      const occurrences = [...forms].reduce((sum, form) => sum + count(text, form), 0);
      if (occurrences > 0) leaks.push({ field, masked: mask(value), logFile, occurrences });
    }
  }
  return leaks;
}

/**
 * The initial sync's contract, shared by the workflow (workflows/sync.ts), its activity
 * (activities/sync.ts) and `ops sync`: inputs, progress, names. Pure module: the workflow sandbox
 * imports it.
 */
import { KIND_NAMES, KINDS } from './kinds';
import type { KindName } from './kinds';

export const SYNC_WORKFLOW_TYPE = 'syncStripeAccount';
export const SYNC_PROGRESS_QUERY = 'syncProgress';
export const PAUSE_SYNC_SIGNAL = 'pauseSync';
export const RESUME_SYNC_SIGNAL = 'resumeSync';

/** Objects per list call: Stripe's maximum. */
export const DEFAULT_SYNC_PAGE_SIZE = 100;
/**
 * Pages per workflow run before it continues as new. A page costs about 6 history events, so a
 * run stays near 3,000 events, well under Temporal's 10 MB / 51,200-event limits.
 */
export const DEFAULT_PAGES_PER_RUN = 500;
/** How many rejected objects the progress lists by id (all are counted). */
export const MAX_LISTED_REJECTS = 100;

/** One sync per account at a time: the workflow id says which, so a second `sync` is refused. */
export function syncWorkflowId(account: string | null | undefined): string {
  return `stripe-sync-${account || 'platform'}`;
}

export interface SyncInput {
  /** Kinds to list, in order (KIND_NAMES by default). */
  kinds: KindName[];
  /** Only objects created at or after this unix second. */
  since?: number | undefined;
  /** A connected account (Stripe-Account header); absent for the platform. */
  account?: string | null | undefined;
  /** List and count only: nothing is written. */
  dryRun?: boolean | undefined;
  pageSize?: number | undefined;
  pagesPerRun?: number | undefined;
  /** Carried across continue-as-new; absent on the first run. */
  state?: SyncState | undefined;
}

export interface SyncReject {
  kind: KindName;
  id: string;
  /** The handler's reason (ids and field names only). */
  reason: string;
}

export interface KindProgress {
  kind: KindName;
  /** `starting_after` of the next page; undefined before the first. */
  cursor?: string | undefined;
  done: boolean;
  pages: number;
  listed: number;
  applied: number;
  /** The mirror already held a newer version (a live event won). */
  stale: number;
  rejected: number;
}

export interface SyncState {
  /** Names the sync in the ledger ids of what it applied; the first run's id. */
  syncId: string;
  startedAt: string;
  paused: boolean;
  /** How many runs the workflow has continued as new through. */
  runs: number;
  progress: KindProgress[];
  rejects: SyncReject[];
}

/** What the query answers and the workflow returns. */
export interface SyncStatus {
  account: string | null;
  dryRun: boolean;
  since: number | null;
  paused: boolean;
  done: boolean;
  state: SyncState;
}

export interface SyncPageInput {
  syncId: string;
  kind: KindName;
  cursor?: string | undefined;
  since?: number | undefined;
  account?: string | null | undefined;
  dryRun?: boolean | undefined;
  pageSize: number;
}

export interface SyncPageResult {
  listed: number;
  applied: number;
  stale: number;
  rejects: SyncReject[];
  nextCursor: string | undefined;
  hasMore: boolean;
}

/** Kinds named on the command line: Stripe's `object` values or the mirror's table names. */
export function parseSyncKinds(names: readonly string[]): KindName[] {
  const byName = new Map<string, KindName>();
  for (const kind of KIND_NAMES) {
    byName.set(kind, kind);
    byName.set(KINDS[kind].table, kind);
  }
  const unknown = names.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown object kind ${unknown.map((name) => `"${name}"`).join(', ')}: use ${KIND_NAMES.join(', ')} ` +
        '(or their table names, e.g. customers)',
    );
  }
  // In the table's order, whatever the order given: customers before what refers to them.
  const wanted = new Set(names.map((name) => byName.get(name)));
  return KIND_NAMES.filter((kind) => wanted.has(kind));
}

export function emptyProgress(kind: KindName): KindProgress {
  return { kind, done: false, pages: 0, listed: 0, applied: 0, stale: 0, rejected: 0 };
}

/** One line for `ops sync --status` and the Web UI's current details. */
export function progressLine(status: Pick<SyncStatus, 'paused' | 'done' | 'dryRun' | 'state'>): string {
  const { progress } = status.state;
  const total = progress.reduce(
    (sum, kind) => ({
      listed: sum.listed + kind.listed,
      applied: sum.applied + kind.applied,
      stale: sum.stale + kind.stale,
      rejected: sum.rejected + kind.rejected,
    }),
    { listed: 0, applied: 0, stale: 0, rejected: 0 },
  );
  const finished = progress.filter((kind) => kind.done).length;
  const current = progress.find((kind) => !kind.done);
  const phase = status.done
    ? 'done'
    : `${status.paused ? 'paused at' : 'listing'} ${current?.kind ?? '-'} (kind ${finished + 1}/${progress.length})`;
  const counts = status.dryRun
    ? `${total.listed} listed (dry run)`
    : `${total.listed} listed, ${total.applied} applied, ${total.stale} skipped as older, ${total.rejected} rejected`;
  return `${phase}: ${counts}`;
}

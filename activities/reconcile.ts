import { Context } from '@temporalio/activity';
import { eq } from 'drizzle-orm';
import { reconcileCursors } from '../db/schema';
import { accountsToCover } from '../common/stripe-api';
import { nowSeconds, sumSweeps, sweepStripeEvents } from './events-sweep';
import type { SweepDeps, SweepResult } from './events-sweep';

/**
 * Continuous reconciliation: each pass of the reconcile schedule sweeps Stripe's Events API from a
 * cursor persisted in Postgres (one per Stripe account) and starts the events that never reached
 * us. The sweep itself, shared with `ops backfill`, is in events-sweep.ts.
 */

export type { SweepDeps, SweepResult } from './events-sweep';

export interface ReconcileInput {
  /** The cursor's row in reconcile_cursors (one per Stripe account). */
  cursorName: string;
  /** Each pass looks this far behind the cursor: the Events API lists new events after a short lag. */
  overlapSeconds: number;
  /** Without a cursor, the first pass starts this long ago; older events are `backfill`'s job. */
  firstRunLookbackSeconds: number;
}

export interface ReconcileResult extends Omit<SweepResult, 'startedIds'> {
  cursor: number;
  startedIds: string[];
}

export const DEFAULT_RECONCILE_INPUT: ReconcileInput = {
  cursorName: 'stripe-events',
  overlapSeconds: 300,
  firstRunLookbackSeconds: 3600,
};

/** The platform's cursor is `cursorName`; a connected account's is `cursorName:acct_...`. */
export function cursorNameFor(cursorName: string, account: string | null): string {
  return account ? `${cursorName}:${account}` : cursorName;
}

/**
 * The activity behind the reconcile schedule: one pass from each account's persisted cursor to
 * now, the platform's and then each connected account's of STRIPE_CONNECT_ACCOUNTS.
 */
export async function reconcileOnce(deps: SweepDeps, input: ReconcileInput): Promise<ReconcileResult> {
  const passStarted = nowSeconds(deps.clock);
  const results: SweepResult[] = [];
  for (const account of await accountsToCover(deps.stripeApi)) {
    results.push(await reconcileAccount(deps, input, account, passStarted));
  }
  const result = sumSweeps(results);
  return { ...result, cursor: passStarted, startedIds: result.startedIds.slice(0, 100) };
}

async function reconcileAccount(
  deps: SweepDeps,
  input: ReconcileInput,
  account: string | null,
  passStarted: number,
): Promise<SweepResult> {
  const name = cursorNameFor(input.cursorName, account);
  const [cursor] = await deps.db
    .select({ created: reconcileCursors.created })
    .from(reconcileCursors)
    .where(eq(reconcileCursors.name, name));
  const since = cursor ? cursor.created - input.overlapSeconds : passStarted - input.firstRunLookbackSeconds;
  // All events, not only undelivered ones: an endpoint Stripe disabled has no failed deliveries to show.
  const result = await sweepStripeEvents(deps, {
    since,
    account,
    onPage: (progress) => heartbeat({ account, listed: progress.listed, started: progress.started }),
  });
  // The cursor moves only after a complete pass, to when it began: every event created before
  // then has been listed (the overlap covers the API's listing lag and clock skew).
  await deps.db
    .insert(reconcileCursors)
    .values({ name, created: passStarted })
    .onConflictDoUpdate({
      target: reconcileCursors.name,
      set: { created: passStarted, updatedAt: new Date() },
    });
  return result;
}

function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Not inside an activity (the CLI runs sweeps directly).
  }
}

/** Registered next to createActivities({ db }) by a worker that has a Stripe API key. */
export function createReconcileActivities(deps: SweepDeps) {
  return {
    async reconcileStripeEvents(input: ReconcileInput): Promise<ReconcileResult> {
      return reconcileOnce(deps, input);
    },
  };
}

export type ReconcileActivities = ReturnType<typeof createReconcileActivities>;

import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { eq, inArray } from 'drizzle-orm';
import type Stripe from 'stripe';
import { logger } from '../common/logger';
import type { StripeApi } from '../common/stripe-api';
import { whyNotAStripeEvent } from '../common/stripe-event';
import type { StripeEvent } from '../common/stripe-event';
import type { Database } from '../db/client';
import { reconcileCursors, stripeEvents } from '../db/schema';
import { createTemporalEventStarter } from '../ingress/event-starter';
import { routeFor } from '../workflows/routing';

/**
 * Backfill and reconciliation share one sweep: list Stripe's Events API page by page, skip the
 * events the ledger already holds, and start `processStripeEvent` for the rest exactly as the
 * ingress does (workflow id = event id, REJECT_DUPLICATE, same search attributes). An event that a
 * webhook already started, or that is still running, is refused by Temporal as a duplicate, so a
 * sweep can never process an event twice, however often it runs or overlaps with deliveries.
 */

/** Stripe's Events API keeps 30 days of events. */
export const EVENTS_RETENTION_SECONDS = 30 * 24 * 3600;
/** Warn once the oldest second a sweep needs is older than this: a day before events are lost. */
export const RETENTION_WARNING_SECONDS = 29 * 24 * 3600;
/** Largest page the Events API serves. */
const PAGE_SIZE = 100;
/** Concurrent workflow starts per page: fast enough, and gentle on the frontend. */
const START_CONCURRENCY = 8;

export interface SweepDeps {
  db: Database;
  client: Client;
  stripeApi: StripeApi;
  taskQueue: string;
  clock?: () => Date;
}

export interface SweepOptions {
  /** Unix seconds: events created at or after this. */
  since: number;
  /** Only these event types (Stripe's `types[]`, up to 20). */
  types?: readonly string[] | undefined;
  /** false: only events Stripe has not delivered successfully (its `delivery_success=false`); undefined: all. */
  deliverySuccess?: false | undefined;
  /** List and count, start nothing. */
  dryRun?: boolean | undefined;
  /** Called after each page, for heartbeats and progress output. */
  onPage?: ((progress: SweepResult) => void) | undefined;
}

export interface SweepResult {
  since: number;
  listed: number;
  /** Workflows started by this sweep (would be started, in a dry run). */
  started: number;
  /** Already in the ledger: applied before, nothing to do. */
  alreadyRecorded: number;
  /** Temporal refused the start: a workflow with this event id exists (running, or closed within retention). */
  alreadyStarted: number;
  /**
   * No handler for the type: not started, since its workflow would only complete as `ignored`. The
   * Events API lists every type of the account, not only those the endpoint subscribes to.
   */
  unhandled: number;
  /** Not a Stripe event this pipeline can take (should not happen with Stripe's own API). */
  skippedInvalid: number;
  /** Unix seconds of the newest event listed. */
  newestCreated: number | undefined;
  /** Ids of the events started, at most the first 1,000. */
  startedIds: string[];
  warnings: string[];
}

export function nowSeconds(clock: () => Date = () => new Date()): number {
  return Math.floor(clock().getTime() / 1000);
}

/** Warnings about Stripe's 30-day window, and `since` clamped into it. */
export function clampToRetention(since: number, now: number): { since: number; warnings: string[] } {
  const age = now - since;
  const days = (age / 86400).toFixed(1);
  if (age > EVENTS_RETENTION_SECONDS) {
    return {
      since: now - EVENTS_RETENTION_SECONDS,
      warnings: [
        `the sweep should start ${days} days ago, but Stripe's Events API keeps 30 days: events created before ` +
          `${new Date((now - EVENTS_RETENTION_SECONDS) * 1000).toISOString()} can no longer be recovered from it`,
      ],
    };
  }
  if (age > RETENTION_WARNING_SECONDS) {
    return {
      since,
      warnings: [
        `the sweep starts ${days} days ago, close to the 30-day limit of Stripe's Events API: ` +
          'events older than 30 days will be lost to reconciliation',
      ],
    };
  }
  return { since, warnings: [] };
}

/** Runs `work` over `items` with at most `limit` at once (no dependency for a dozen lines). */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(runners);
  return results;
}

function listParams(options: SweepOptions, since: number, startingAfter?: string): Stripe.EventListParams {
  return {
    limit: PAGE_SIZE,
    created: { gte: since },
    ...(options.types && options.types.length > 0 && { types: [...options.types] }),
    ...(options.deliverySuccess === false && { delivery_success: false }),
    ...(startingAfter !== undefined && { starting_after: startingAfter }),
  };
}

export async function sweepStripeEvents(deps: SweepDeps, options: SweepOptions): Promise<SweepResult> {
  const clamped = clampToRetention(options.since, nowSeconds(deps.clock));
  for (const warning of clamped.warnings) logger.warn({ since: options.since }, warning);
  const result: SweepResult = {
    since: clamped.since,
    listed: 0,
    started: 0,
    alreadyRecorded: 0,
    alreadyStarted: 0,
    unhandled: 0,
    skippedInvalid: 0,
    newestCreated: undefined,
    startedIds: [],
    warnings: clamped.warnings,
  };
  const starter = createTemporalEventStarter(deps.client, {
    taskQueue: deps.taskQueue,
    startTimeoutMs: 10_000,
  });
  let startingAfter: string | undefined;
  for (;;) {
    const page = await deps.stripeApi.call('events.list', (stripe) =>
      stripe.events.list(listParams(options, clamped.since, startingAfter)),
    );
    const events = page.data as unknown as StripeEvent[];
    result.listed += events.length;
    if (events[0] && result.newestCreated === undefined) result.newestCreated = events[0].created;
    await startMissing(deps, starter, events, options.dryRun === true, result);
    options.onPage?.(result);
    const last = events.at(-1);
    if (!page.has_more || !last) break;
    startingAfter = last.id;
  }
  logger.info(
    {
      since: result.since,
      listed: result.listed,
      started: result.started,
      alreadyRecorded: result.alreadyRecorded,
      alreadyStarted: result.alreadyStarted,
      unhandled: result.unhandled,
      dryRun: options.dryRun === true,
    },
    'Stripe events sweep done',
  );
  return result;
}

async function startMissing(
  deps: SweepDeps,
  starter: ReturnType<typeof createTemporalEventStarter>,
  events: StripeEvent[],
  dryRun: boolean,
  result: SweepResult,
): Promise<void> {
  if (events.length === 0) return;
  // One query per page instead of one start per event: most events of a sweep are already applied.
  const recorded = new Set(
    (
      await deps.db
        .select({ id: stripeEvents.id })
        .from(stripeEvents)
        .where(
          inArray(
            stripeEvents.id,
            events.map((event) => event.id),
          ),
        )
    ).map((row) => row.id),
  );
  const missing = events.filter((event) => {
    if (recorded.has(event.id)) {
      result.alreadyRecorded++;
      return false;
    }
    if (!routeFor(event.type)) {
      result.unhandled++;
      return false;
    }
    const invalid = whyNotAStripeEvent(event);
    if (invalid) {
      result.skippedInvalid++;
      logger.warn({ eventId: event.id, reason: invalid }, 'listed event skipped: not a Stripe event');
      return false;
    }
    return true;
  });
  const outcomes = await mapWithConcurrency(missing, START_CONCURRENCY, async (event) =>
    dryRun ? wouldStart(deps.client, event.id) : starter.start(event),
  );
  missing.forEach((event, index) => {
    if (outcomes[index] === 'duplicate') {
      result.alreadyStarted++;
      return;
    }
    result.started++;
    if (result.startedIds.length < 1000) result.startedIds.push(event.id);
    if (!dryRun) logger.info({ eventId: event.id, eventType: event.type }, 'missing event started');
  });
}

/** A dry run asks Temporal whether the workflow exists instead of trying to start it. */
async function wouldStart(client: Client, eventId: string): Promise<'started' | 'duplicate'> {
  try {
    await client.workflow.getHandle(eventId).describe();
    return 'duplicate';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'started';
    throw err;
  }
}

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

/** The activity behind the reconcile schedule: one pass from the persisted cursor to now. */
export async function reconcileOnce(deps: SweepDeps, input: ReconcileInput): Promise<ReconcileResult> {
  const passStarted = nowSeconds(deps.clock);
  const [cursor] = await deps.db
    .select({ created: reconcileCursors.created })
    .from(reconcileCursors)
    .where(eq(reconcileCursors.name, input.cursorName));
  const since = cursor ? cursor.created - input.overlapSeconds : passStarted - input.firstRunLookbackSeconds;
  // All events, not only undelivered ones: an endpoint Stripe disabled has no failed deliveries to show.
  const result = await sweepStripeEvents(deps, {
    since,
    onPage: (progress) => heartbeat({ listed: progress.listed, started: progress.started }),
  });
  // The cursor moves only after a complete pass, to when it began: every event created before
  // then has been listed (the overlap covers the API's listing lag and clock skew).
  await deps.db
    .insert(reconcileCursors)
    .values({ name: input.cursorName, created: passStarted })
    .onConflictDoUpdate({
      target: reconcileCursors.name,
      set: { created: passStarted, updatedAt: new Date() },
    });
  return { ...result, cursor: passStarted, startedIds: result.startedIds.slice(0, 100) };
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

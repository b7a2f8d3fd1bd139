import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { inArray } from 'drizzle-orm';
import type Stripe from 'stripe';
import { mapWithConcurrency } from '../common/concurrency';
import { createEventStarter, EventRefusedByTemporal } from '../common/event-starter';
import type { TemporalEventStarter } from '../common/event-starter';
import { logger } from '../common/logger';
import { routeFor } from '../common/routing';
import type { StripeApi } from '../common/stripe-api';
import { whyNotAStripeEvent } from '../common/stripe-event';
import type { StripeEvent } from '../common/stripe-event';
import type { Database } from '../db/client';
import { stripeEvents } from '../db/schema';
import { clampToRetention, nowSeconds } from './events-retention';

export { nowSeconds } from './events-retention';

/**
 * Backfill and reconciliation share one sweep: list Stripe's Events API page by page, skip the
 * events the ledger already holds, and start `processStripeEvent` for the rest exactly as the
 * ingress does (workflow id = event id, REJECT_DUPLICATE, same search attributes). An event that a
 * webhook already started, or that is still running, is refused by Temporal as a duplicate, so a
 * sweep can never process an event twice, however often it runs or overlaps with deliveries.
 */

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
  /** A connected account's events (the Stripe-Account header); the platform's when absent. */
  account?: string | null | undefined;
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
  /** Temporal refused the start because of the event itself (a limit it breaks): never retried. */
  refusedByTemporal: number;
  /** Unix seconds of the newest event listed. */
  newestCreated: number | undefined;
  /** Ids of the events started, at most the first 1,000. */
  startedIds: string[];
  warnings: string[];
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
    refusedByTemporal: 0,
    newestCreated: undefined,
    startedIds: [],
    warnings: clamped.warnings,
  };
  const starter = createEventStarter(deps.client, {
    taskQueue: deps.taskQueue,
    startTimeoutMs: 10_000,
  });
  let startingAfter: string | undefined;
  for (;;) {
    const page = await deps.stripeApi.call('events.list', (stripe) =>
      stripe.events.list(
        listParams(options, clamped.since, startingAfter),
        options.account ? { stripeAccount: options.account } : {},
      ),
    );
    // A connected account's events listed with its header may not name it: their handlers must
    // know which account's rows they change.
    const events = (page.data as unknown as StripeEvent[]).map((event) =>
      options.account && !event.account ? { ...event, account: options.account } : event,
    );
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
      account: options.account ?? null,
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
  starter: TemporalEventStarter,
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
    dryRun ? wouldStart(deps.client, event.id) : startOrRefuse(starter, event),
  );
  missing.forEach((event, index) => {
    if (outcomes[index] === 'refused') {
      result.refusedByTemporal++;
      return;
    }
    if (outcomes[index] === 'duplicate') {
      result.alreadyStarted++;
      return;
    }
    result.started++;
    if (result.startedIds.length < 1000) result.startedIds.push(event.id);
    if (!dryRun) logger.info({ eventId: event.id, eventType: event.type }, 'missing event started');
  });
}

/**
 * An event Temporal refuses for what it is would be refused on every pass: count it and go on. An
 * outage or a rate limit fails the page instead, and the pass is retried from the same cursor.
 */
async function startOrRefuse(
  starter: TemporalEventStarter,
  event: StripeEvent,
): Promise<'started' | 'duplicate' | 'refused'> {
  try {
    return await starter.start(event);
  } catch (err) {
    if (!(err instanceof EventRefusedByTemporal)) throw err;
    logger.error(
      { eventId: event.id, eventType: event.type, err },
      'Temporal refused the event; not started',
    );
    return 'refused';
  }
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

/** The sweeps of several accounts as one result: counts added, the warnings and ids of all. */
export function sumSweeps(results: readonly SweepResult[]): SweepResult {
  const [first, ...rest] = results;
  if (!first) throw new Error('sumSweeps: no sweep to sum');
  const sum: SweepResult = { ...first, startedIds: [...first.startedIds], warnings: [...first.warnings] };
  for (const result of rest) {
    sum.listed += result.listed;
    sum.started += result.started;
    sum.alreadyRecorded += result.alreadyRecorded;
    sum.alreadyStarted += result.alreadyStarted;
    sum.unhandled += result.unhandled;
    sum.skippedInvalid += result.skippedInvalid;
    sum.refusedByTemporal += result.refusedByTemporal;
    if (result.newestCreated !== undefined) {
      sum.newestCreated = Math.max(sum.newestCreated ?? result.newestCreated, result.newestCreated);
    }
    sum.startedIds.push(...result.startedIds.slice(0, Math.max(0, 1000 - sum.startedIds.length)));
    for (const warning of result.warnings) if (!sum.warnings.includes(warning)) sum.warnings.push(warning);
  }
  return sum;
}

import { sweepStripeEvents } from '../../activities/events-sweep';
import type { SweepResult } from '../../activities/events-sweep';
import type { Ops } from '../context';
import { fields } from '../format';

/**
 * `backfill --since 3d`: lists Stripe's Events API (30 days) and starts `processStripeEvent` for
 * every listed event the ledger does not hold, with the ingress's workflow id (the event id) and
 * id policy, so anything already received dedupes in Temporal. By default only events Stripe could
 * not deliver (`delivery_success=false`); `--all` lists every event.
 */
export interface BackfillOptions {
  /** Unix seconds. */
  since: number;
  types?: string[] | undefined;
  all?: boolean | undefined;
  dryRun?: boolean | undefined;
  onPage?: ((progress: SweepResult) => void) | undefined;
}

export async function backfill(
  ops: Ops,
  options: BackfillOptions,
): Promise<SweepResult & { dryRun: boolean; all: boolean }> {
  const db = await ops.requireDb('backfill');
  const stripeApi = ops.requireStripeApi('backfill');
  const result = await sweepStripeEvents(
    { db, client: ops.client, stripeApi, taskQueue: ops.config.temporal.taskQueue },
    {
      since: options.since,
      types: options.types,
      deliverySuccess: options.all ? undefined : false,
      dryRun: options.dryRun,
      onPage: options.onPage,
    },
  );
  return { ...result, dryRun: options.dryRun === true, all: options.all === true };
}

export function renderBackfill(result: SweepResult & { dryRun: boolean; all: boolean }): string {
  const lines = [
    fields([
      ['since', new Date(result.since * 1000).toISOString()],
      [
        'listed',
        `${result.listed} ${result.all ? 'events' : 'events Stripe did not deliver (delivery_success=false; --all for every event)'}`,
      ],
      [result.dryRun ? 'would start' : 'started', result.started],
      ['already applied', result.alreadyRecorded],
      ['already started', result.alreadyStarted],
      ['no handler', result.unhandled || undefined],
      ['skipped', result.skippedInvalid || undefined],
      ['refused by Temporal', result.refusedByTemporal || undefined],
    ]),
  ];
  for (const warning of result.warnings) lines.push(`WARNING: ${warning}`);
  return lines.join('\n');
}

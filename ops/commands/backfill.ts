import { sumSweeps, sweepStripeEvents } from '../../activities/events-sweep';
import { accountsToCover } from '../../common/stripe-api';
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
  /** One connected account; by default the platform and every account of STRIPE_CONNECT_ACCOUNTS. */
  account?: string | undefined;
  onPage?: ((progress: SweepResult) => void) | undefined;
}

export type BackfillResult = SweepResult & { dryRun: boolean; all: boolean; accounts: (string | null)[] };

export async function backfill(ops: Ops, options: BackfillOptions): Promise<BackfillResult> {
  const db = await ops.requireDb('backfill');
  const stripeApi = ops.requireStripeApi('backfill');
  const accounts = options.account ? [options.account] : await accountsToCover(stripeApi);
  const results: SweepResult[] = [];
  for (const account of accounts) {
    results.push(
      await sweepStripeEvents(
        { db, client: ops.client, stripeApi, taskQueue: ops.config.temporal.taskQueue },
        {
          since: options.since,
          types: options.types,
          deliverySuccess: options.all ? undefined : false,
          dryRun: options.dryRun,
          account,
          onPage: options.onPage,
        },
      ),
    );
  }
  return { ...sumSweeps(results), dryRun: options.dryRun === true, all: options.all === true, accounts };
}

export function renderBackfill(result: BackfillResult): string {
  const lines = [
    fields([
      ['since', new Date(result.since * 1000).toISOString()],
      [
        'accounts',
        result.accounts.length > 1 || result.accounts[0]
          ? result.accounts.map((account) => account ?? 'platform').join(', ')
          : undefined,
      ],
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

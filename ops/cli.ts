#!/usr/bin/env node
/**
 * stripe-temporal-ops (`npm run ops -- <command>`): the on-call toolkit. Same configuration as the
 * services: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, DATABASE_URL, STRIPE_API_KEY
 * (and STRIPE_API_BASE), plus TEMPORAL_UI_URL for links. `--json` prints machine-readable output.
 */
import { parseArgs } from 'node:util';
import { logger } from '../common/logger';
import { createOps, loadOpsConfig } from './context';
import type { Ops } from './context';
import { parseDuration, parseRate, parseSince, UsageError } from './format';
import { backfill, renderBackfill } from './commands/backfill';
import { HANDLER_NAMES, pauseHandler, renderPauseResult, resumeHandler } from './commands/pause';
import { redrive, renderRedrive } from './commands/redrive';
import { renderReplay, replayEvent } from './commands/replay';
import { eventStatus, renderStatus } from './commands/status';
import { findStuck, renderStuck } from './commands/stuck';
import { renderSync, syncAccounts, syncCommand } from './commands/sync';
import type { SyncAction, SyncCommandResult } from './commands/sync';
import {
  pauseSubscriber,
  redeliver,
  renderRedeliver,
  renderSubscriberPauseResult,
  resumeSubscriber,
} from './commands/subscribers';

export const USAGE = `Usage: stripe-temporal-ops <command> [options] [--json]

  status <evt_id>                          workflow status, handler outcome, pending activity, ledger row, Web UI link
  stuck [--type T] [--older-than 10m]      running events whose handler is failing or paused
        [--limit N]
  replay <evt_id> [--reason R] [--wait]    reset to the first workflow task: safe, applies an event at most once
  replay <evt_id> --reapply [--reason R]   re-apply after a handler fix: delete the ledger row and reset, atomically
  reapply <evt_id>                         the same as replay --reapply
  redrive --query '<visibility query>'     reset the failed/terminated/timed-out events it matches
          [--dry-run] [--yes] [--rate 5/s] (counts only, unless --yes)
  pause-handler <name> [--reason R]        stop one handler everywhere; its events wait, others go on
  resume-handler <name>                    let them through again
  pause-subscriber <name> [--reason R]     hold one subscriber's deliveries; the mirror and others go on
  resume-subscriber <name>                 let them through again
  redeliver <evt_id> --subscriber <name>   deliver one event to one subscriber again (the mirror is not re-run)
  backfill --since 3d [--types a,b]        start the events Stripe did not deliver (--all: every event) from
           [--all] [--dry-run]             its Events API (30 days); already processed ones dedupe. The platform's
           [--account acct_...]            and STRIPE_CONNECT_ACCOUNTS' events, or one account's
  sync [--objects customers,invoices,...]  initial sync: list every object of the account from Stripe's API into the
       [--since DATE] [--account acct_...] mirror, as a workflow (one per account); live events still win
       [--dry-run] [--page-size N]
  sync --status|--pause|--resume|--cancel  the running sync's progress line and per-kind counts, or control it
       [--account acct_...]

Handlers: ${HANDLER_NAMES.join(', ')}
Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, DATABASE_URL, STRIPE_API_KEY,
STRIPE_API_BASE, TEMPORAL_UI_URL, SUBSCRIPTIONS_FILE (as the worker's; see .env.example).`;

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  type: { type: 'string' },
  'older-than': { type: 'string' },
  limit: { type: 'string' },
  reason: { type: 'string' },
  reapply: { type: 'boolean' },
  wait: { type: 'boolean' },
  query: { type: 'string' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean' },
  rate: { type: 'string' },
  since: { type: 'string' },
  types: { type: 'string' },
  all: { type: 'boolean' },
  objects: { type: 'string' },
  account: { type: 'string' },
  'page-size': { type: 'string' },
  status: { type: 'boolean' },
  pause: { type: 'boolean' },
  resume: { type: 'boolean' },
  cancel: { type: 'boolean' },
  subscriber: { type: 'string' },
} as const;

export interface CommandOutput {
  value: unknown;
  text: string;
  /** Non-zero when the command worked but found something wrong (redrive errors). */
  exitCode: number;
}

/** `--account acct_...`: one connected account instead of those STRIPE_CONNECT_ACCOUNTS names. */
function accountOption(raw: string | undefined): string | undefined {
  if (raw !== undefined && !/^acct_[A-Za-z0-9]+$/.test(raw)) {
    throw new UsageError(`--account must be a connected account id (acct_...), got "${raw}"`);
  }
  return raw;
}

function positiveInt(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** Runs one command line against `ops`; the tests call this with real clients. */
export async function runCommand(ops: Ops, argv: string[]): Promise<CommandOutput> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const [command, target, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const done = (value: unknown, text: string, exitCode = 0): CommandOutput => ({ value, text, exitCode });
  switch (command) {
    case 'status': {
      const status = await eventStatus(ops, target);
      return done(status, renderStatus(status), status.found ? 0 : 1);
    }
    case 'stuck': {
      const report = await findStuck(ops, {
        type: values.type,
        olderThanMs: values['older-than'] ? parseDuration(values['older-than'], '--older-than') : undefined,
        limit: positiveInt(values.limit, '--limit'),
      });
      return done(report, renderStuck(report));
    }
    case 'replay':
    case 'reapply': {
      const result = await replayEvent(ops, target, {
        reason: values.reason,
        reapply: command === 'reapply' || values.reapply === true,
        waitMs: values.wait ? 60_000 : 0,
      });
      return done(result, renderReplay(result));
    }
    case 'redrive': {
      const result = await redrive(ops, {
        query: values.query,
        dryRun: values['dry-run'],
        yes: values.yes,
        ratePerSecond: values.rate ? parseRate(values.rate) : undefined,
        reason: values.reason,
      });
      return done(result, renderRedrive(result), result.errors.length > 0 ? 1 : 0);
    }
    case 'pause-handler': {
      const result = await pauseHandler(ops, target, values.reason);
      return done(result, renderPauseResult(result));
    }
    case 'resume-handler': {
      const result = await resumeHandler(ops, target);
      return done(result, renderPauseResult(result));
    }
    case 'pause-subscriber': {
      const result = await pauseSubscriber(ops, target, values.reason);
      return done(result, renderSubscriberPauseResult(result));
    }
    case 'resume-subscriber': {
      const result = await resumeSubscriber(ops, target);
      return done(result, renderSubscriberPauseResult(result));
    }
    case 'redeliver': {
      const result = await redeliver(ops, target, values.subscriber, values.reason);
      return done(result, renderRedeliver(result));
    }
    case 'backfill': {
      if (!values.since) throw new UsageError('backfill needs --since (e.g. 3d, 12h, or an ISO date)');
      const result = await backfill(ops, {
        since: parseSince(values.since),
        types: values.types
          ?.split(',')
          .map((type) => type.trim())
          .filter(Boolean),
        all: values.all,
        dryRun: values['dry-run'],
        account: accountOption(values.account),
      });
      return done(result, renderBackfill(result));
    }
    case 'sync': {
      const actions = (['status', 'pause', 'resume', 'cancel'] as const).filter((action) => values[action]);
      if (actions.length > 1) throw new UsageError(`sync takes one of --${actions.join(', --')}`);
      const action: SyncAction = actions[0] ?? 'start';
      const syncs: SyncCommandResult[] = [];
      for (const account of await syncAccounts(ops, accountOption(values.account))) {
        syncs.push(
          await syncCommand(ops, {
            action,
            objects: values.objects
              ?.split(',')
              .map((name) => name.trim())
              .filter(Boolean),
            since: values.since ? parseSince(values.since) : undefined,
            account: account ?? undefined,
            dryRun: values['dry-run'],
            pageSize: positiveInt(values['page-size'], '--page-size'),
          }),
        );
      }
      const refused = syncs.some((sync) => sync.started === false || sync.workflowStatus === 'NOT_FOUND');
      return done({ syncs }, syncs.map(renderSync).join('\n\n'), refused ? 1 : 0);
    }
    case undefined:
      throw new UsageError('name a command');
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const json = argv.includes('--json');
  // Logs go to stdout like the services'; keep them out of the command's output unless asked for.
  // What a command has to say (warnings included) is in its output.
  if (!process.env.LOG_LEVEL) logger.level = 'error';
  const ops = createOps(loadOpsConfig());
  try {
    const output = await runCommand(ops, argv);
    console.log(json ? JSON.stringify(output.value, null, 2) : output.text);
    return output.exitCode;
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(
      json
        ? JSON.stringify({ error: err instanceof Error ? err.message : String(err) })
        : `error: ${err instanceof Error ? err.message : String(err)}`,
    );
    return 1;
  } finally {
    await ops.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

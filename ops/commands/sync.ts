import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { KIND_NAMES } from '../../common/kinds';
import { accountsToCover } from '../../common/stripe-api';
import {
  PAUSE_SYNC_SIGNAL,
  parseSyncKinds,
  progressLine,
  RESUME_SYNC_SIGNAL,
  SYNC_PROGRESS_QUERY,
  SYNC_WORKFLOW_TYPE,
  syncWorkflowId,
} from '../../common/sync';
import type { SyncInput, SyncStatus } from '../../common/sync';
import type { syncStripeAccount } from '../../workflows/sync';
import type { Ops } from '../context';
import { fields, table, UsageError } from '../format';

/**
 * `sync`: the initial load of an account's objects into the mirror, as the workflow
 * `syncStripeAccount` (workflows/sync.ts) that a worker with STRIPE_API_KEY runs. One per account
 * at a time: its workflow id is the account's, so a second `sync` while one runs says so.
 */
export type SyncAction = 'start' | 'status' | 'pause' | 'resume' | 'cancel';

export interface SyncOptions {
  action: SyncAction;
  objects?: string[] | undefined;
  since?: number | undefined;
  account?: string | undefined;
  dryRun?: boolean | undefined;
  pageSize?: number | undefined;
  pagesPerRun?: number | undefined;
}

export interface SyncCommandResult {
  action: SyncAction;
  workflowId: string;
  runId?: string | undefined;
  /** RUNNING, COMPLETED, CANCELLED, ... or NOT_FOUND. */
  workflowStatus: string;
  /** False when `start` found a sync of the account already running. */
  started?: boolean;
  status?: SyncStatus | undefined;
  url: string;
}

const ACCOUNT_ID = /^acct_[A-Za-z0-9]+$/;

/**
 * The accounts a `sync` command covers: the one `--account` names, else the platform and the
 * connected accounts of STRIPE_CONNECT_ACCOUNTS (each its own workflow).
 */
export async function syncAccounts(ops: Ops, account: string | undefined): Promise<(string | null)[]> {
  if (account) return [account];
  const configured = ops.config.stripeApi?.connectAccounts ?? [];
  if (configured !== 'all' && configured.length === 0) return [null];
  return accountsToCover(ops.requireStripeApi('sync'));
}

type SyncHandle = WorkflowHandle<typeof syncStripeAccount>;

/** The progress as the workflow knows it: its result once closed, else its query. */
async function readStatus(handle: SyncHandle, workflowStatus: string): Promise<SyncStatus | undefined> {
  if (workflowStatus === 'COMPLETED') return handle.result();
  try {
    return await handle.query<SyncStatus>(SYNC_PROGRESS_QUERY);
  } catch {
    // A closed sync no worker can replay (or none running): the Web UI still has its history.
    return undefined;
  }
}

async function describe(
  ops: Ops,
  handle: SyncHandle,
  action: SyncAction,
  { started, withStatus = true }: { started?: boolean; withStatus?: boolean } = {},
) {
  const description = await handle.describe();
  const workflowStatus = description.status.name;
  return {
    action,
    workflowId: handle.workflowId,
    runId: description.runId,
    workflowStatus,
    ...(started !== undefined && { started }),
    status: withStatus ? await readStatus(handle, workflowStatus) : undefined,
    url: ops.workflowUrl(handle.workflowId),
  } satisfies SyncCommandResult;
}

export async function syncCommand(ops: Ops, options: SyncOptions): Promise<SyncCommandResult> {
  if (options.account !== undefined && !ACCOUNT_ID.test(options.account)) {
    throw new UsageError(`--account must be a connected account id (acct_...), got "${options.account}"`);
  }
  if (options.pageSize !== undefined && options.pageSize > 100) {
    throw new UsageError(`--page-size is at most 100 (Stripe's largest page), got ${options.pageSize}`);
  }
  const workflowId = syncWorkflowId(options.account);
  const handle: SyncHandle = ops.client.workflow.getHandle(workflowId);
  if (options.action !== 'start') {
    try {
      if (options.action === 'pause') await handle.signal(PAUSE_SYNC_SIGNAL);
      if (options.action === 'resume') await handle.signal(RESUME_SYNC_SIGNAL);
      if (options.action === 'cancel') await handle.cancel();
      return await describe(ops, handle, options.action);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      return {
        action: options.action,
        workflowId,
        workflowStatus: 'NOT_FOUND',
        url: ops.workflowUrl(workflowId),
      };
    }
  }

  if (!ops.config.stripeApi) {
    throw new UsageError('sync lists Stripe’s API: set STRIPE_API_KEY (here and on the worker)');
  }
  let kinds;
  try {
    kinds = options.objects ? parseSyncKinds(options.objects) : [...KIND_NAMES];
  } catch (err) {
    throw new UsageError(`--objects: ${(err as Error).message}`);
  }
  const input: SyncInput = {
    kinds,
    since: options.since,
    account: options.account ?? null,
    dryRun: options.dryRun === true,
    pageSize: options.pageSize,
    pagesPerRun: options.pagesPerRun,
  };
  try {
    const started = await ops.client.workflow.start<typeof syncStripeAccount>(SYNC_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: ops.config.temporal.taskQueue,
      args: [input],
      // One sync per account at a time; a finished one may be run again.
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    // No progress yet: a query now would wait for the workflow's first task.
    return await describe(ops, started, 'start', { started: true, withStatus: false });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return describe(ops, handle, 'start', { started: false });
  }
}

const VERBS: Record<SyncAction, string> = {
  start: 'started',
  status: 'status',
  pause: 'pause asked',
  resume: 'resume asked',
  cancel: 'cancel asked',
};

export function renderSync(result: SyncCommandResult): string {
  if (result.workflowStatus === 'NOT_FOUND') {
    return `no sync ${result.workflowId} found: start one with \`ops sync\``;
  }
  const { status } = result;
  const head =
    result.started === false
      ? `a sync of ${status?.account ?? 'the platform account'} is already running: its progress is below (ops sync --status, --pause, --cancel)`
      : VERBS[result.action];
  const lines = [
    head,
    fields([
      ['workflow', `${result.workflowId}  ${result.workflowStatus}`],
      ['account', status ? (status.account ?? 'platform') : undefined],
      ['progress', status ? progressLine(status) : undefined],
      ['web ui', result.url],
    ]),
  ];
  if (status) {
    lines.push(
      table(
        ['kind', 'state', 'listed', 'applied', 'older', 'rejected', 'pages'],
        status.state.progress.map((kind) => [
          kind.kind,
          kind.done ? 'done' : kind.pages > 0 ? 'listing' : 'waiting',
          kind.listed,
          kind.applied,
          kind.stale,
          kind.rejected,
          kind.pages,
        ]),
      ),
    );
    for (const reject of status.state.rejects)
      lines.push(`rejected ${reject.kind} ${reject.id}: ${reject.reason}`);
  }
  return lines.join('\n');
}

import { PROCESS_STRIPE_EVENT } from '../../common/event-workflow';
import { TokenBucket } from '../../common/stripe-api';
import type { Ops } from '../context';
import { fields, table, UsageError } from '../format';
import { queryString, resetToFirstWorkflowTask } from '../temporal-reset';

/**
 * `redrive --query '<visibility query>'`: resets every failed, terminated or timed-out event the
 * query matches, like `temporal workflow reset --query ... --type FirstWorkflowTask`, but counted
 * first, rate-limited, and only runs that are still their workflow's current run: an execution
 * already reset (by an earlier redrive) stays listed as Failed under its old run id and is skipped,
 * so running the same redrive twice resets nothing twice. Without `--yes` it only counts.
 */
export interface RedriveOptions {
  query: string | undefined;
  dryRun?: boolean | undefined;
  /** Act; without it the command is a dry run that says how to act. */
  yes?: boolean | undefined;
  /** Resets per second. */
  ratePerSecond?: number | undefined;
  reason?: string | undefined;
}

export interface RedriveResult {
  query: string;
  /** Executions the query matched before anything was reset. */
  matched: number;
  dryRun: boolean;
  reset: Array<{ eventId: string; previousRunId: string; newRunId: string }>;
  /** Already reset, or no longer the current run. */
  skipped: Array<{ eventId: string; runId: string; why: string }>;
  errors: Array<{ eventId: string; message: string }>;
  /** The first matches, shown by a dry run. */
  sample: string[];
  command: string;
}

const CLOSED_UNSUCCESSFULLY =
  '(ExecutionStatus="Failed" OR ExecutionStatus="Terminated" OR ExecutionStatus="TimedOut")';

export function redriveQuery(userQuery: string, taskQueue: string): string {
  return `(${userQuery}) AND WorkflowType=${queryString(PROCESS_STRIPE_EVENT)} AND TaskQueue=${queryString(taskQueue)} AND ${CLOSED_UNSUCCESSFULLY}`;
}

export async function redrive(ops: Ops, options: RedriveOptions): Promise<RedriveResult> {
  if (!options.query?.trim()) {
    throw new UsageError(
      `give a visibility query, e.g. --query 'StripeEventType="invoice.payment_failed" AND CloseTime > "2026-01-01T00:00:00Z"'`,
    );
  }
  const query = redriveQuery(options.query.trim(), ops.config.temporal.taskQueue);
  const reason = options.reason?.trim() || 'ops redrive';
  const dryRun = options.dryRun === true || options.yes !== true;
  const { count: matched } = await ops.client.workflow.count(query);
  const result: RedriveResult = {
    query,
    matched,
    dryRun,
    reset: [],
    skipped: [],
    errors: [],
    sample: [],
    command: `temporal workflow reset --query '${query.replace(/'/g, `'\\''`)}' --type FirstWorkflowTask --reason '${reason.replace(/'/g, `'\\''`)}' --yes`,
  };
  if (matched === 0) return result;
  if (dryRun) {
    for await (const execution of ops.client.workflow.list({ query, pageSize: 20 })) {
      result.sample.push(execution.workflowId);
      if (result.sample.length >= 20) break;
    }
    return result;
  }
  // Listed first, reset after: resetting while paging would change the result set under the cursor.
  const targets: Array<{ workflowId: string; runId: string }> = [];
  for await (const execution of ops.client.workflow.list({ query, pageSize: 1000 })) {
    targets.push({ workflowId: execution.workflowId, runId: execution.runId });
  }
  const bucket = new TokenBucket(options.ratePerSecond ?? 10, 1);
  for (const { workflowId, runId } of targets) {
    await bucket.take();
    try {
      const current = await ops.client.workflow.getHandle(workflowId).describe();
      if (current.runId !== runId) {
        result.skipped.push({
          eventId: workflowId,
          runId,
          why: `already reset: current run ${current.runId} is ${current.status.name}`,
        });
        continue;
      }
      const reset = await resetToFirstWorkflowTask(ops.client, workflowId, reason, runId);
      result.reset.push({ eventId: workflowId, previousRunId: runId, newRunId: reset.newRunId });
    } catch (err) {
      result.errors.push({ eventId: workflowId, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return result;
}

export function renderRedrive(result: RedriveResult): string {
  const head = fields([
    ['query', result.query],
    ['matched', result.matched],
    [
      'reset',
      result.dryRun
        ? `none (dry run${result.matched > 0 ? ': add --yes to reset them' : ''})`
        : result.reset.length,
    ],
    ['skipped', result.skipped.length || undefined],
    ['errors', result.errors.length || undefined],
    ['same as', result.command],
  ]);
  const lines = [head];
  if (result.sample.length > 0)
    lines.push('', `First ${result.sample.length}:`, ...result.sample.map((id) => `  ${id}`));
  if (result.skipped.length > 0) {
    lines.push(
      '',
      table(
        ['SKIPPED', 'RUN', 'WHY'],
        result.skipped.map((skip) => [skip.eventId, skip.runId, skip.why]),
      ),
    );
  }
  if (result.errors.length > 0) {
    lines.push(
      '',
      table(
        ['FAILED TO RESET', 'ERROR'],
        result.errors.map((error) => [error.eventId, error.message]),
      ),
    );
  }
  return lines.join('\n');
}

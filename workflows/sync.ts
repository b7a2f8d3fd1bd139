import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SyncActivities } from '../activities/sync';
import {
  DEFAULT_PAGES_PER_RUN,
  DEFAULT_SYNC_PAGE_SIZE,
  emptyProgress,
  MAX_LISTED_REJECTS,
  PAUSE_SYNC_SIGNAL,
  progressLine,
  RESUME_SYNC_SIGNAL,
  SYNC_PROGRESS_QUERY,
} from '../common/sync';
import type { KindProgress, SyncInput, SyncPageResult, SyncState, SyncStatus } from '../common/sync';

/**
 * The initial sync of an account: every kind listed page by page, each page one activity. The
 * cursors live in the workflow's state, so a worker that dies mid-sync costs at most the page it
 * was on; the state is carried across continue-as-new, so history stays small however large the
 * account. `ops sync --status` queries the progress; signals pause and resume; cancelling the
 * workflow stops it after the page in flight is abandoned.
 */
const { syncStripePage } = proxyActivities<SyncActivities>({
  // A page is one list call and up to 100 short transactions; per-customer kinds make a few more calls.
  startToCloseTimeout: '10 minutes',
  // A page heartbeats before its list call and after every object: silence means a lost worker,
  // and its page is listed again by the next one.
  heartbeatTimeout: '30 seconds',
  // Retried until it works: a bad key or an outage shows as the pending activity's failure in the
  // Web UI, and the sync resumes from its cursor once fixed. Nothing is lost by waiting.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export const syncProgressQuery = defineQuery<SyncStatus>(SYNC_PROGRESS_QUERY);
export const pauseSyncSignal = defineSignal(PAUSE_SYNC_SIGNAL);
export const resumeSyncSignal = defineSignal(RESUME_SYNC_SIGNAL);

function firstState(input: SyncInput): SyncState {
  return {
    syncId: workflowInfo().firstExecutionRunId,
    startedAt: new Date().toISOString(),
    paused: false,
    runs: 1,
    progress: input.kinds.map(emptyProgress),
    rejects: [],
  };
}

function record(progress: KindProgress, state: SyncState, page: SyncPageResult): void {
  progress.pages++;
  progress.listed += page.listed;
  progress.applied += page.applied;
  progress.stale += page.stale;
  progress.rejected += page.rejects.length;
  progress.cursor = page.nextCursor;
  progress.done = !page.hasMore;
  const room = MAX_LISTED_REJECTS - state.rejects.length;
  if (room > 0) state.rejects.push(...page.rejects.slice(0, room));
}

export async function syncStripeAccount(input: SyncInput): Promise<SyncStatus> {
  const state = input.state ?? firstState(input);
  let done = false;
  const status = (): SyncStatus => ({
    account: input.account ?? null,
    dryRun: input.dryRun === true,
    since: input.since ?? null,
    paused: state.paused,
    done,
    state,
  });
  const showProgress = () => setCurrentDetails(progressLine(status()));
  setHandler(syncProgressQuery, status);
  setHandler(pauseSyncSignal, () => {
    state.paused = true;
    showProgress();
  });
  setHandler(resumeSyncSignal, () => {
    state.paused = false;
    showProgress();
  });
  showProgress();

  const pagesPerRun = input.pagesPerRun ?? DEFAULT_PAGES_PER_RUN;
  let pagesThisRun = 0;
  for (const progress of state.progress) {
    while (!progress.done) {
      await condition(() => !state.paused);
      if (pagesThisRun >= pagesPerRun || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof syncStripeAccount>({
          ...input,
          state: { ...state, runs: state.runs + 1 },
        });
      }
      const page = await syncStripePage({
        syncId: state.syncId,
        kind: progress.kind,
        cursor: progress.cursor,
        since: input.since,
        account: input.account,
        dryRun: input.dryRun,
        pageSize: input.pageSize ?? DEFAULT_SYNC_PAGE_SIZE,
      });
      pagesThisRun++;
      record(progress, state, page);
      showProgress();
    }
    log.info('sync: kind done', { kind: progress.kind, listed: progress.listed, applied: progress.applied });
  }
  done = true;
  showProgress();
  return status();
}

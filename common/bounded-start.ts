/**
 * What every starter of this project shares (common/event-starter.ts, provider-event-starter.ts,
 * capture/starter.ts): a start that stops waiting at its deadline, and the same three classes of
 * refusal from it.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { classifyStartError, TemporalUnavailable } from './start-errors';

export interface BoundedCalls {
  /**
   * Runs `work` under a gRPC deadline and an abort signal, and stops waiting when the time is up:
   * the deadline alone overshoots (the SDK retries UNAVAILABLE with backoff), and a sender gives up
   * on a slow endpoint after a few seconds. A start that lands after we gave up is harmless: the
   * sender's retry meets the duplicate.
   */
  run<T>(work: () => Promise<T>, deadline?: number): Promise<T>;
  /**
   * Resolves once every call we stopped waiting for has settled. The SDK keeps retrying such a call
   * on a timer until its deadline; closing the connection first makes that timer throw.
   */
  drain(): Promise<void>;
}

export function createBoundedCalls(client: Client, timeoutMs: number): BoundedCalls {
  const inFlight = new Set<Promise<unknown>>();
  return {
    async run(work, deadline = Date.now() + timeoutMs) {
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new TemporalUnavailable(`Temporal did not answer within ${timeoutMs} ms`));
        }, deadline - Date.now());
      });
      const call = client.withAbortSignal(controller.signal, () => client.withDeadline(deadline, work));
      const settled: Promise<unknown> = call.catch(() => undefined).finally(() => inFlight.delete(settled));
      inFlight.add(settled);
      try {
        return await Promise.race([call, expired]);
      } finally {
        clearTimeout(timer);
      }
    },
    async drain() {
      await Promise.all(inFlight);
    },
  };
}

/**
 * `started`, or `duplicate` when Temporal already has the workflow id; anything else rejects with
 * TemporalUnavailable, TemporalRateLimited or EventRefusedByTemporal (start-errors.ts). `what`
 * names the workflow in the refusal's message.
 */
export async function startOutcome(
  start: () => Promise<unknown>,
  what: string,
): Promise<'started' | 'duplicate'> {
  try {
    await start();
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
    if (err instanceof TemporalUnavailable) throw err;
    throw classifyStartError(err, what);
  }
}

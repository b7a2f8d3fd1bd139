/**
 * The one way this project starts an event's workflow: the ingress, reconciliation, backfill and the
 * ops commands all call it, so every start has the contract's id, dedupe policy, search attributes
 * and task queue, typed against the workflow's signature.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { CURRENT_PROCESS_OPTIONS, PROCESS_STRIPE_EVENT } from './event-workflow';
import type { ProcessStripeEvent } from './event-workflow';
import { searchAttributesFor } from './search-attributes';
import { classifyStartError, TemporalRateLimited, TemporalUnavailable } from './start-errors';
import type { StripeEvent } from './stripe-event';
import type { TemporalConfig } from './temporal-config';
import { temporalReadiness, unreachableReadiness } from './temporal-readiness';
import type { TemporalReadiness } from './temporal-readiness';

export { EventRefusedByTemporal, TemporalRateLimited, TemporalUnavailable } from './start-errors';
export type { ReadinessProblem, TemporalReadiness } from './temporal-readiness';

/** The one durable write the ingress makes. The app sees this interface; unit tests fake it. */
export interface EventStarter {
  /**
   * Resolves once Temporal confirmed the start, or confirmed the event was already accepted.
   * Rejects with TemporalUnavailable, TemporalRateLimited or EventRefusedByTemporal.
   */
  start(event: StripeEvent): Promise<'started' | 'duplicate'>;
  /** Whether a start could succeed now, and if not, what is missing (for /readyz). */
  readiness(): Promise<TemporalReadiness>;
}

export interface EventStarterOptions {
  taskQueue: string;
  startTimeoutMs: number;
  /** How the client connects: lets readiness say why Temporal is unreachable (a TLS probe). */
  temporal?: TemporalConfig;
  /**
   * Ask the server to hand the first workflow task back in the start response. Only worth it when
   * a worker for the task queue runs in this process on the client's NativeConnection (the
   * combined process, worker/combined.ts): the task then never waits in matching. The server
   * ignores the request otherwise, so it is never wrong, only useless.
   */
  eagerStart?: boolean;
}

/** What owners of the client need beyond that: wait for abandoned calls before closing it. */
export interface TemporalEventStarter extends EventStarter {
  /**
   * Resolves once every call we stopped waiting for has settled. The SDK keeps retrying such a call
   * on a timer until its deadline; closing the connection first makes that timer throw.
   */
  drain(): Promise<void>;
}

/** Backoff between starts refused by the namespace's rate limit, within the start deadline. */
const RATE_LIMIT_BACKOFF_MS = [100, 200, 400, 800, 1600];

export function createEventStarter(
  client: Client,
  { taskQueue, startTimeoutMs, temporal, eagerStart = false }: EventStarterOptions,
): TemporalEventStarter {
  const inFlight = new Set<Promise<unknown>>();

  /**
   * Runs `work` under a gRPC deadline and an abort signal, and stops waiting when the time is up:
   * the deadline alone overshoots (the SDK retries UNAVAILABLE with backoff), and Stripe gives up
   * on a slow endpoint after a few seconds. A start that lands after we answered 503 is harmless:
   * Stripe's retry meets the duplicate and gets its 200.
   */
  async function withinTimeout<T>(deadline: number, work: () => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new TemporalUnavailable(`Temporal did not answer within ${startTimeoutMs} ms`));
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
  }

  async function startOnce(event: StripeEvent, deadline: number): Promise<'started' | 'duplicate'> {
    try {
      await withinTimeout(deadline, () =>
        client.workflow.start<ProcessStripeEvent>(PROCESS_STRIPE_EVENT, {
          workflowId: event.id,
          taskQueue,
          args: [event, CURRENT_PROCESS_OPTIONS],
          // Event id = workflow id: Temporal itself is the dedupe, for as long as the namespace
          // retention keeps the closed run (see README: set retention >= 72 h).
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'FAIL',
          typedSearchAttributes: searchAttributesFor(event),
          requestEagerStart: eagerStart,
        }),
      );
      return 'started';
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
      if (err instanceof TemporalUnavailable) throw err;
      throw classifyStartError(err, `workflow ${event.id} on task queue ${taskQueue}`);
    }
  }

  return {
    async start(event) {
      const deadline = Date.now() + startTimeoutMs;
      // A rate limit usually clears within a second: absorb short bursts, then let the sender retry.
      for (const backoffMs of [...RATE_LIMIT_BACKOFF_MS, undefined]) {
        try {
          return await startOnce(event, deadline);
        } catch (err) {
          if (!(err instanceof TemporalRateLimited)) throw err;
          if (backoffMs === undefined || Date.now() + backoffMs >= deadline) throw err;
          await new Promise((resolve) => setTimeout(resolve, backoffMs));
        }
      }
      throw new Error('unreachable');
    },
    async readiness() {
      try {
        return await withinTimeout(Date.now() + startTimeoutMs, () =>
          temporalReadiness(client, startTimeoutMs),
        );
      } catch (err) {
        return unreachableReadiness(err, temporal);
      }
    },
    async drain() {
      await Promise.all(inFlight);
    },
  };
}

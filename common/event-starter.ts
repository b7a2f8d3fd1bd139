/**
 * The one way this project starts an event's workflow: the ingress, reconciliation, backfill and the
 * ops commands all call it, so every start has the contract's id, dedupe policy, search attributes
 * and task queue, typed against the workflow's signature.
 */
import type { Client } from '@temporalio/client';
import { CURRENT_PROCESS_OPTIONS, PROCESS_STRIPE_EVENT } from './event-workflow';
import type { ProcessStripeEvent } from './event-workflow';
import { searchAttributesFor } from './search-attributes';
import { createBoundedCalls, startOutcome } from './bounded-start';
import { TemporalRateLimited } from './start-errors';
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
  const calls = createBoundedCalls(client, startTimeoutMs);

  function startOnce(event: StripeEvent, deadline: number): Promise<'started' | 'duplicate'> {
    return startOutcome(
      () =>
        calls.run(
          () =>
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
          deadline,
        ),
      `workflow ${event.id} on task queue ${taskQueue}`,
    );
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
        return await calls.run(() => temporalReadiness(client, startTimeoutMs));
      } catch (err) {
        return unreachableReadiness(err, temporal);
      }
    },
    drain: () => calls.drain(),
  };
}

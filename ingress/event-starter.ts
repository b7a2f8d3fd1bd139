import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { isTemporalReady } from '../common/temporal';
import { searchAttributesFor } from '../common/search-attributes';
import type { StripeEvent } from '../common/stripe-event';

/** The one durable write the ingress makes. The app sees this interface; unit tests fake it. */
export interface EventStarter {
  /** Resolves once Temporal confirmed the start, or confirmed the event was already accepted. */
  start(event: StripeEvent): Promise<'started' | 'duplicate'>;
  isReady(): Promise<boolean>;
}

/** Temporal did not confirm in time or failed: answer 503 so Stripe retries later. */
export class TemporalUnavailable extends Error {
  override name = 'TemporalUnavailable';
}

// A string, not an import from workflows/: the ingress never loads workflow code.
export const WORKFLOW_TYPE = 'processStripeEvent';

export interface TemporalEventStarterOptions {
  taskQueue: string;
  startTimeoutMs: number;
}

/** What main needs beyond the app's view: wait for abandoned calls before closing the connection. */
export interface TemporalEventStarter extends EventStarter {
  /**
   * Resolves once every call we stopped waiting for has settled. The SDK keeps retrying such a call
   * on a timer until its deadline; closing the connection first makes that timer throw.
   */
  drain(): Promise<void>;
}

export function createTemporalEventStarter(
  client: Client,
  { taskQueue, startTimeoutMs }: TemporalEventStarterOptions,
): TemporalEventStarter {
  const inFlight = new Set<Promise<unknown>>();

  /**
   * Runs `work` under a gRPC deadline and an abort signal, and stops waiting when the time is up:
   * the deadline alone overshoots (the SDK retries UNAVAILABLE with backoff), and Stripe gives up
   * on a slow endpoint after a few seconds. A start that lands after we answered 503 is harmless:
   * Stripe's retry meets the duplicate and gets its 200.
   */
  async function withinTimeout<T>(work: () => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`Temporal did not answer within ${startTimeoutMs} ms`));
      }, startTimeoutMs);
    });
    const call = client.withAbortSignal(controller.signal, () =>
      client.withDeadline(Date.now() + startTimeoutMs, work),
    );
    const settled: Promise<unknown> = call.catch(() => undefined).finally(() => inFlight.delete(settled));
    inFlight.add(settled);
    try {
      return await Promise.race([call, expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async start(event) {
      try {
        await withinTimeout(() =>
          client.workflow.start(WORKFLOW_TYPE, {
            workflowId: event.id,
            taskQueue,
            args: [event],
            // Event id = workflow id: Temporal itself is the dedupe, for as long as the namespace
            // retention keeps the closed run (see README: set retention >= 72 h).
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            workflowIdConflictPolicy: 'FAIL',
            typedSearchAttributes: searchAttributesFor(event),
          }),
        );
        return 'started';
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
        throw new TemporalUnavailable(`Could not start workflow ${event.id} on task queue ${taskQueue}`, {
          cause: err,
        });
      }
    },
    isReady: () => withinTimeout(() => isTemporalReady(client, startTimeoutMs)).catch(() => false),
    async drain() {
      await Promise.all(inFlight);
    },
  };
}

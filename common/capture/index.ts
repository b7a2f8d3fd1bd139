/**
 * Capture at the source: the application's own Stripe calls feed the mirror as soon as Stripe
 * answers, seconds before the webhook. Import from here:
 *
 *   const { stripe, close } = createCapturingStripe(process.env.STRIPE_API_KEY, { temporal });
 *   await stripe.subscriptions.create({ ... });   // the mirror has it a moment later
 *
 * A response of a mirrored kind starts `applyCapturedObject` (workflow id `capture:<Request-Id>`)
 * in the background: the API call never waits for Temporal and never fails because of it. A capture
 * that does not reach Temporal is logged (ids only) and counted; the webhook, the source of truth,
 * brings the change anyway.
 */
import Stripe from 'stripe';
import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import { logger as defaultLogger } from '../logger';
import { EventRefusedByTemporal, TemporalRateLimited, TemporalUnavailable } from '../start-errors';
import { refId } from '../stripe-event';
import { loadTemporalConfig } from '../temporal-config';
import type { TemporalConfig } from '../temporal-config';
import { createLazyClient } from '../temporal-connection';
import { captureWorkflowId } from './contract';
import type { CapturedObject } from './contract';
import { CapturingHttpClient } from './http-client';
import { captureMetrics } from './metrics';
import type { CaptureFailureReason, CaptureMetrics } from './metrics';
import { captureFromResponse, isCaptureProblem } from './response';
import { createCaptureStarter } from './starter';
import type { CaptureStarter } from './starter';

export { APPLY_CAPTURED_OBJECT, captureWorkflowId } from './contract';
export type { CapturedObject, CaptureResult } from './contract';
export { CAPTURE_FAILURE_REASONS } from './metrics';

/** What capture logs: warnings about captures that failed, with ids only. pino's logger fits. */
export interface CaptureLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface CaptureOptions {
  /** A client from common/temporal-connection.ts; without it one is made (lazily) from `temporal`. */
  client?: Client;
  /** How to reach Temporal when no client is given: the services' variables (TEMPORAL_*) by default. */
  temporal?: TemporalConfig;
  /** The pipeline's task queue: `temporal.taskQueue` (TEMPORAL_TASK_QUEUE) by default. */
  taskQueue?: string;
  /** Give up on one start after this long (default 2000 ms); the API call never waits for it. */
  startTimeoutMs?: number;
  /** Captures waiting for Temporal at most (default 1000); beyond, new ones are dropped and counted. */
  maxInFlight?: number;
  /** Where the counters go: prom-client's global registry by default. */
  registry?: Registry;
  logger?: CaptureLogger;
  /** The transport to wrap: stripe-node's Node client by default. */
  httpClient?: Stripe.HttpClient;
  /** Injected by tests instead of a Temporal client. */
  starter?: CaptureStarter;
}

export interface Capture {
  /** stripe-node's `httpClient` option: `new Stripe(key, { httpClient: capture.httpClient })`. */
  readonly httpClient: Stripe.HttpClient;
  readonly metrics: CaptureMetrics;
  /** Captures not yet settled. */
  readonly inFlight: number;
  /** Resolves once every capture begun so far has settled (started, duplicate or failed). */
  readonly flush: () => Promise<void>;
  /** flush(), then closes the Temporal connection if capture opened it (not a `client` given to it). */
  readonly close: () => Promise<void>;
}

function failureReason(err: unknown): CaptureFailureReason {
  if (err instanceof TemporalUnavailable) return 'temporal_unavailable';
  if (err instanceof TemporalRateLimited) return 'temporal_rate_limited';
  if (err instanceof EventRefusedByTemporal) return 'refused_by_temporal';
  return 'internal_error';
}

/** The given starter, or one on the given client, or one on a lazy client of its own (closed by close()). */
function starterFor(
  options: CaptureOptions,
  startTimeoutMs: number,
): { starter: CaptureStarter; own?: Client } {
  if (options.starter) return { starter: options.starter };
  // Read the environment only for what was not given: an app passing its own client needs no TEMPORAL_*.
  const config = (): TemporalConfig => options.temporal ?? loadTemporalConfig();
  const taskQueue = options.taskQueue ?? config().taskQueue;
  if (options.client) return { starter: createCaptureStarter(options.client, { taskQueue, startTimeoutMs }) };
  // A rate limit fails at once instead of being retried: the webhook covers it, the app moves on.
  const own = createLazyClient(config(), { retryRateLimits: false });
  return { starter: createCaptureStarter(own, { taskQueue, startTimeoutMs }), own };
}

export function createCapture(options: CaptureOptions = {}): Capture {
  const { startTimeoutMs = 2000, maxInFlight = 1000, logger = defaultLogger } = options;
  const metrics = captureMetrics(options.registry);
  const { starter, own } = starterFor(options, startTimeoutMs);
  const pending = new Set<Promise<void>>();

  function fail(reason: CaptureFailureReason, ids: Record<string, unknown>, err?: unknown): void {
    metrics.failed.inc({ reason });
    // Ids only: the object itself carries personal data, and error messages can quote it.
    const error = err instanceof Error ? err.name : undefined;
    logger.warn(
      { ...ids, reason, ...(error && { error }) },
      'capture failed; the webhook will bring the change',
    );
  }

  async function hand(capture: CapturedObject): Promise<void> {
    const kind = capture.object.object;
    const ids = {
      requestId: capture.requestId,
      workflowId: captureWorkflowId(capture.requestId),
      objectKind: kind,
      objectId: refId(capture.object.id),
    };
    try {
      const result = await starter.start(capture);
      metrics.captured.inc({ object: kind, result });
    } catch (err) {
      fail(failureReason(err), ids, err);
    }
  }

  function observe(...response: Parameters<typeof captureFromResponse>): void {
    try {
      const found = captureFromResponse(...response);
      if (!found) return;
      if (isCaptureProblem(found))
        return fail(found.problem, { objectKind: found.objectKind, detail: found.detail });
      if (pending.size >= maxInFlight) {
        return fail('overloaded', { requestId: found.requestId, objectKind: found.object.object });
      }
      // A copy: the application may change the object it got back before the start serialises it.
      const capture = { ...found, object: structuredClone(found.object) };
      const done: Promise<void> = hand(capture).finally(() => pending.delete(done));
      pending.add(done);
    } catch (err) {
      fail('internal_error', {}, err);
    }
  }

  async function flush(): Promise<void> {
    while (pending.size > 0) await Promise.all(pending);
  }

  return {
    httpClient: new CapturingHttpClient(options.httpClient ?? Stripe.createNodeHttpClient(), observe),
    metrics,
    get inFlight() {
      return pending.size;
    },
    flush,
    async close() {
      await flush();
      await starter.drain();
      await own?.connection.close();
    },
  };
}

/**
 * A stripe-node client whose changing calls are captured. stripe-node fixes its transport when it
 * is constructed, so capture builds the client: pass your usual settings in `stripeConfig`, or
 * give `createCapture(...).httpClient` to your own `new Stripe(...)`.
 */
export function createCapturingStripe(
  apiKey: string,
  options: CaptureOptions & { stripeConfig?: Stripe.StripeConfig } = {},
): Capture & { stripe: Stripe } {
  const config = options.stripeConfig ?? {};
  // The transport stripe-node would have used (the config's client, or Node's with the config's
  // agent) is the one capture wraps.
  const inner =
    options.httpClient ?? config.httpClient ?? Stripe.createNodeHttpClient(config.httpAgent ?? undefined);
  const capture = createCapture({ ...options, httpClient: inner });
  const stripe = new Stripe(apiKey, { ...config, httpClient: capture.httpClient });
  return Object.assign(capture, { stripe });
}

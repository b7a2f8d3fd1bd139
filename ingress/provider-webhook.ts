/**
 * `POST /webhooks/<provider>` for every configured provider: verify → start → answer, with the
 * Stripe endpoint's contract (200 once Temporal confirmed the start or the duplicate, 400 for a
 * delivery to refuse, 413 over the body limit, 503 with Retry-After when Temporal is unavailable).
 */
import { HttpError } from 'koa';
import type { Context, Middleware } from 'koa';
import type { Logger } from '../common/logger';
import type { ProviderConfig } from '../common/provider-config';
import type { ProviderEventStarter } from '../common/provider-event-starter';
import type { Registry } from 'prom-client';
import { createProviderMetrics } from './provider-metrics';
import type { ProviderMetrics } from './provider-metrics';
import { verifyDelivery, ProviderRejection } from './providers/verify';
import type { VerifiedDelivery } from './providers/verify';
import { readRawBody } from './raw-body';
import { startRefusalAnswer } from './start-refusals';

export interface ProviderEndpoints {
  providers: readonly ProviderConfig[];
  starter: ProviderEventStarter;
}

interface RouteOptions {
  maxBodyBytes: number;
  retryAfterSeconds: number;
  log: Logger;
  /** Injected so tests can pin time; ISO 8601 `receivedAt` for the workflow. */
  now?: () => Date;
}

function providerRoute(
  provider: ProviderConfig,
  starter: ProviderEventStarter,
  metrics: ProviderMetrics,
  { maxBodyBytes, retryAfterSeconds, log, now = () => new Date() }: RouteOptions,
): Middleware {
  const labels = { provider: provider.name };

  async function deliver(ctx: Context): Promise<void> {
    const rawBody = await readRawBody(ctx, maxBodyBytes);
    let delivery: VerifiedDelivery;
    try {
      delivery = verifyDelivery(rawBody, ctx.headers, provider);
    } catch (err) {
      if (!(err instanceof ProviderRejection)) throw err;
      ctx.throw(err.status, err.message, { code: err.reason });
    }
    const fields = { provider: provider.name, eventId: delivery.id, eventType: delivery.type };
    const endTimer = metrics.startDuration.startTimer(labels);
    let outcome: 'started' | 'duplicate';
    try {
      outcome = await starter.start({
        provider: provider.name,
        id: delivery.id,
        type: delivery.type,
        receivedAt: now().toISOString(),
        payload: delivery.payload,
      });
    } catch (err) {
      const answer = startRefusalAnswer(err, retryAfterSeconds);
      endTimer({ outcome: answer?.reason ?? 'error' });
      if (!answer) throw err;
      const level = answer.status >= 500 ? 'error' : 'warn';
      log[level]({ ...fields, err: answer.cause }, `${answer.reason}, answering ${answer.status}`);
      ctx.throw(answer.status, answer.message, {
        code: answer.reason,
        expose: true,
        headers: answer.headers,
      });
    }
    endTimer({ outcome });
    (outcome === 'started' ? metrics.accepted : metrics.duplicate).inc(labels);
    log.info({ ...fields, outcome }, 'provider webhook accepted');
    ctx.body = { received: true };
  }

  return async (ctx) => {
    metrics.received.inc(labels);
    try {
      await deliver(ctx);
    } catch (err) {
      const reason =
        (err instanceof HttpError ? (err.code as string | undefined) : undefined) ?? 'internal_error';
      metrics.rejected.inc({ ...labels, reason });
      if (err instanceof HttpError && err.status < 500) log.warn({ ...labels, reason }, 'webhook rejected');
      throw err;
    }
  };
}

/** The route table's entries for the providers, their metrics registered on the app's registry. */
export function providerRoutes(
  endpoints: ProviderEndpoints | undefined,
  registry: Registry,
  options: RouteOptions,
): Record<string, { POST: Middleware }> {
  if (!endpoints || endpoints.providers.length === 0) return {};
  const metrics = createProviderMetrics(
    registry,
    endpoints.providers.map((provider) => provider.name),
  );
  return Object.fromEntries(
    endpoints.providers.map((provider) => [
      `/webhooks/${provider.name}`,
      { POST: providerRoute(provider, endpoints.starter, metrics, options) },
    ]),
  );
}

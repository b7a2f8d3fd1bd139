import Koa, { HttpError } from 'koa';
import type { Context, Middleware, Next } from 'koa';
import { logger as defaultLogger } from '../common/logger';
import type { Logger } from '../common/logger';
import type { StripeEvent } from '../common/stripe-event';
import type { EventStarter, TemporalReadiness } from '../common/event-starter';
import { startRefusalAnswer } from './start-refusals';
import { readRawBody } from './raw-body';
import { providerRoutes } from './provider-webhook';
import type { ProviderEndpoints } from './provider-webhook';
import { createMetrics } from './metrics';
import type { IngressMetrics } from './metrics';
import { verifyStripeEvent, WebhookRejection } from './stripe-webhook';

export interface AppOptions {
  starter: EventStarter;
  secrets: string[];
  toleranceSeconds: number;
  maxBodyBytes: number;
  logger?: Logger;
  /** Sent with 503. Stripe keeps its own retry schedule; other senders and proxies honour it. */
  retryAfterSeconds?: number;
  /** Senders other than Stripe (WEBHOOK_PROVIDERS), each on `POST /webhooks/<name>`. */
  providers?: ProviderEndpoints;
}

/** Every non-2xx answer is `{ error, message }`; `error` is a stable code, `message` teaches the fix. */
function errorHandler(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof HttpError && err.expose) {
        ctx.status = err.status;
        ctx.set((err.headers ?? {}) as Record<string, string>);
        ctx.body = { error: (err.code as string | undefined) ?? 'http_error', message: err.message };
        return;
      }
      // Never a stack trace or detail to the caller; the log has it (and never a payload).
      log.error({ err, method: ctx.method, path: ctx.path }, 'unexpected error');
      ctx.status = 500;
      ctx.body = { error: 'internal_error', message: 'Internal server error. It has been logged.' };
    }
  };
}

function webhookRoute(options: AppOptions, metrics: IngressMetrics, log: Logger): Middleware {
  const retryAfter = options.retryAfterSeconds ?? 30;

  async function deliver(ctx: Context): Promise<void> {
    // Verify over the exact bytes received: no body parser may run before this.
    const rawBody = await readRawBody(ctx, options.maxBodyBytes);
    let event: StripeEvent;
    try {
      const header = ctx.get('stripe-signature') || undefined;
      event = verifyStripeEvent(rawBody, header, options.secrets, options.toleranceSeconds);
    } catch (err) {
      if (!(err instanceof WebhookRejection)) throw err;
      ctx.throw(err.status, err.message, { code: err.reason });
    }

    // A thin event runs under its snapshot event's id: log its own too, to find it from Stripe's side.
    const fields = {
      eventId: event.id,
      eventType: event.type,
      ...(event.thin && { thinEventId: event.thin.id }),
    };
    const endTimer = metrics.startDuration.startTimer();
    let outcome: 'started' | 'duplicate';
    try {
      outcome = await options.starter.start(event);
    } catch (err) {
      const answer = startRefusalAnswer(err, retryAfter);
      endTimer({ outcome: answer?.reason ?? 'error' });
      if (!answer) throw err;
      if (answer.status >= 500)
        log.error({ ...fields, err: answer.cause }, `${answer.reason}, answering ${answer.status}`);
      else log.warn({ ...fields, err: answer.cause }, `${answer.reason}, answering ${answer.status}`);
      ctx.throw(answer.status, answer.message, {
        code: answer.reason,
        expose: true,
        headers: answer.headers,
      });
    }
    endTimer({ outcome });
    (outcome === 'started' ? metrics.accepted : metrics.duplicate).inc();
    log.info({ ...fields, outcome }, 'webhook accepted');
    ctx.body = { received: true };
  }

  return async (ctx) => {
    metrics.received.inc();
    try {
      await deliver(ctx);
    } catch (err) {
      const reason =
        (err instanceof HttpError ? (err.code as string | undefined) : undefined) ?? 'internal_error';
      metrics.rejected.inc({ reason });
      // 503 and 500 are logged where they happen, with more context.
      if (err instanceof HttpError && err.status < 500) log.warn({ reason }, 'webhook rejected');
      throw err;
    }
  };
}

type Routes = Record<string, Partial<Record<'GET' | 'POST', Middleware>>>;

/** A table, not a router: fixed routes (four, plus one per provider), and 404/405 answers that say what exists. */
function route(routes: Routes): Middleware {
  const listing = Object.entries(routes)
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`))
    .join(', ');
  // Explicit parameter types let TypeScript see that ctx.throw() never returns.
  return async (ctx: Context, next: Next) => {
    const methods = routes[ctx.path];
    if (!methods) {
      ctx.throw(404, `No route for ${ctx.path}. This service answers ${listing}.`, { code: 'not_found' });
    }
    const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
    const handler = methods[method as 'GET' | 'POST'];
    if (!handler) {
      const allow = Object.keys(methods).join(', ');
      ctx.throw(405, `${ctx.method} is not allowed on ${ctx.path}; use ${allow}.`, {
        code: 'method_not_allowed',
        headers: { Allow: allow },
      });
    }
    await handler(ctx, next);
  };
}

/** The ingress: verify → start → answer. No listen here, so tests and main decide the server. */
export function createApp(options: AppOptions): Koa {
  if (options.secrets.length === 0) throw new Error('createApp needs at least one webhook secret');
  const log = options.logger ?? defaultLogger;
  const metrics = createMetrics();
  const app = new Koa();
  // Replaces Koa's default stderr printer for errors after the response started (e.g. socket resets).
  app.on('error', (err: unknown) => log.warn({ err }, 'koa error'));

  app.use(errorHandler(log));
  app.use(
    route({
      '/webhooks/stripe': { POST: webhookRoute(options, metrics, log) },
      ...providerRoutes(options.providers, metrics.registry, {
        maxBodyBytes: options.maxBodyBytes,
        retryAfterSeconds: options.retryAfterSeconds ?? 30,
        log,
      }),
      '/healthz': {
        GET: (ctx) => {
          ctx.body = { status: 'ok' };
        },
      },
      '/readyz': {
        GET: async (ctx) => {
          const readiness = await options.starter.readiness().catch((err: unknown): TemporalReadiness => ({
            ready: false,
            problems: [{ code: 'unreachable', message: err instanceof Error ? err.message : String(err) }],
          }));
          ctx.status = readiness.ready ? 200 : 503;
          ctx.body = readiness.ready
            ? { status: 'ready' }
            : {
                status: 'unavailable',
                // Addresses, names and variables only: nothing here comes from an event.
                problems: readiness.problems,
                message: `Temporal is not ready for webhooks: ${readiness.problems.map((p) => p.message).join('; ')}`,
              };
        },
      },
      '/metrics': {
        GET: async (ctx) => {
          ctx.type = metrics.registry.contentType;
          ctx.body = await metrics.registry.metrics();
        },
      },
    }),
  );
  return app;
}

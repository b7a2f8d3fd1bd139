import { createHash, timingSafeEqual } from 'node:crypto';
import Koa, { HttpError } from 'koa';
import type { Context, Middleware, Next } from 'koa';
import getRawBody from 'raw-body';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { logger as defaultLogger } from '../common/logger';
import type { Logger } from '../common/logger';
import { METADATA_KEY_ID, PayloadDecryptionFailed, PayloadKeyUnknown } from '../common/payload-codec';
import { PayloadShapeError, payloadsFromBody, payloadsToBody } from './codec-payloads';

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface CodecAppOptions {
  codec: PayloadCodec;
  /** Required as `Authorization: Bearer <token>` on /encode and /decode; none when undefined. */
  token?: string;
  /** Browser origins allowed to call (the Web UI's), e.g. http://localhost:8233. */
  corsOrigins: readonly string[];
  maxBodyBytes?: number;
  logger?: Logger;
}

/** Every non-2xx answer is `{ error, message }`, as the ingress answers: a stable code, a fix. */
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
      log.error({ err, method: ctx.method, path: ctx.path }, 'codec server: unexpected error');
      ctx.status = 500;
      ctx.body = { error: 'internal_error', message: 'Internal server error. It has been logged.' };
    }
  };
}

/**
 * The Web UI calls from its own origin, so it needs CORS. Requests carrying any other Origin are
 * refused outright, not just left without headers: a page that rebinds its DNS name to 127.0.0.1
 * would otherwise be same-origin with an unauthenticated loopback server and read its answers.
 */
function cors(origins: readonly string[]): Middleware {
  const allowed = new Set(origins);
  return async (ctx: Context, next: Next) => {
    ctx.vary('Origin');
    const origin = ctx.get('Origin');
    if (origin !== '' && !allowed.has(origin)) {
      ctx.throw(403, `Origin ${origin} is not allowed; add it to CODEC_SERVER_CORS_ORIGINS.`, {
        code: 'origin_not_allowed',
      });
    }
    if (origin !== '') {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Allow-Credentials', 'true');
    }
    if (ctx.method !== 'OPTIONS') {
      await next();
      return;
    }
    ctx.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
    ctx.set('Access-Control-Allow-Headers', 'content-type, x-namespace, authorization');
    ctx.set('Access-Control-Max-Age', '600');
    ctx.set('Allow', 'POST, OPTIONS');
    ctx.status = 204;
  };
}

/** Compares digests, so neither the content nor the length of the token leaks through timing. */
function authorize(token: string | undefined, ctx: Context): void {
  if (token === undefined) return;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  if (!timingSafeEqual(digest(ctx.get('Authorization')), digest(`Bearer ${token}`))) {
    ctx.throw(
      401,
      'Send Authorization: Bearer <CODEC_SERVER_TOKEN> (temporal ... --codec-auth "Bearer ...").',
      {
        code: 'unauthorized',
        headers: { 'WWW-Authenticate': 'Bearer' },
      },
    );
  }
}

async function readJson(ctx: Context, limit: number): Promise<unknown> {
  let raw: string;
  try {
    raw = await getRawBody(ctx.req, { length: ctx.request.length, limit, encoding: 'utf8' });
  } catch (err) {
    if ((err as { type?: unknown }).type === 'entity.too.large') {
      ctx.throw(413, `Body is over the ${limit}-byte limit; send fewer payloads per request.`, {
        code: 'body_too_large',
        headers: { Connection: 'close' },
      });
    }
    ctx.throw(400, 'The request body was cut short or did not match Content-Length.', {
      code: 'body_unreadable',
    });
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return ctx.throw(400, 'The body is not JSON; send {"payloads": [...]}.', { code: 'invalid_json' });
  }
}

/** Key ids of the encrypted side, for the log: which keys are in use, never what they protect. */
function keyIdsOf(payloads: Payload[]): string[] {
  const ids = payloads.flatMap(({ metadata }) => {
    const raw = metadata?.[METADATA_KEY_ID];
    const id = raw ? Buffer.from(raw).toString() : '';
    return /^[A-Za-z0-9._-]{1,64}$/.test(id) ? [id] : [];
  });
  return [...new Set(ids)];
}

function codecRoute(options: CodecAppOptions, log: Logger, op: 'encode' | 'decode'): Middleware {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // Explicit parameter types let TypeScript see that ctx.throw() never returns.
  return async (ctx: Context) => {
    authorize(options.token, ctx);
    const body = await readJson(ctx, limit);
    let input: Payload[];
    try {
      input = payloadsFromBody(body);
    } catch (err) {
      if (!(err instanceof PayloadShapeError)) throw err;
      ctx.throw(400, err.message, { code: 'invalid_payloads' });
    }
    let output: Payload[];
    try {
      output = op === 'encode' ? await options.codec.encode(input) : await options.codec.decode(input);
    } catch (err) {
      if (!(err instanceof PayloadKeyUnknown || err instanceof PayloadDecryptionFailed)) throw err;
      log.warn({ op, count: input.length, keyId: err.keyId, reason: err.code }, 'codec request refused');
      ctx.throw(422, err.message, { code: err.code });
    }
    log.info(
      { op, count: input.length, keyIds: keyIdsOf(op === 'encode' ? output : input) },
      'codec request',
    );
    ctx.body = payloadsToBody(output);
  };
}

/**
 * A Temporal codec server: POST /encode and /decode with `{ payloads: [...] }`. Any path ending in
 * /encode or /decode is accepted, as Temporal's Go handler does, so an endpoint may carry a prefix
 * such as the namespace (the Web UI's `{namespace}` template).
 */
export function createCodecApp(options: CodecAppOptions): Koa {
  const log = options.logger ?? defaultLogger;
  const routes = { encode: codecRoute(options, log, 'encode'), decode: codecRoute(options, log, 'decode') };
  const app = new Koa();
  app.on('error', (err: unknown) => log.warn({ err }, 'koa error'));
  app.use(errorHandler(log));
  app.use(cors(options.corsOrigins));
  app.use(async (ctx: Context, next: Next) => {
    if (ctx.path === '/healthz' && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      ctx.body = { status: 'ok' };
      return;
    }
    const op = /\/(encode|decode)$/.exec(ctx.path)?.[1] as 'encode' | 'decode' | undefined;
    if (op === undefined) {
      ctx.throw(404, `No route for ${ctx.path}. This server answers POST /encode, POST /decode.`, {
        code: 'not_found',
      });
    }
    if (ctx.method !== 'POST') {
      ctx.throw(405, `${ctx.method} is not allowed on ${ctx.path}; use POST.`, {
        code: 'method_not_allowed',
        headers: { Allow: 'POST, OPTIONS' },
      });
    }
    await routes[op](ctx, next);
  });
  return app;
}

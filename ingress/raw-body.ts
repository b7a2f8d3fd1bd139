import type { Context } from 'koa';
import getRawBody from 'raw-body';

/** The exact bytes received, bounded: every webhook verifies over these, before any JSON parsing. */
export async function readRawBody(ctx: Context, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(ctx.req, { length: ctx.request.length, limit });
  } catch (err) {
    const type = (err as { type?: unknown }).type;
    if (type === 'entity.too.large') {
      // The connection may still be carrying the rest of the body; don't reuse it.
      ctx.throw(413, `Body is over the ${limit}-byte limit (WEBHOOK_MAX_BODY_BYTES).`, {
        code: 'body_too_large',
        headers: { Connection: 'close' },
      });
    }
    if (type === 'request.aborted' || type === 'request.size.invalid') {
      ctx.throw(400, 'The request body was cut short or did not match Content-Length.', {
        code: 'body_unreadable',
      });
    }
    throw err;
  }
}

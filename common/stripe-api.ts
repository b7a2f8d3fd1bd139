import { setTimeout as sleep } from 'node:timers/promises';
import Stripe from 'stripe';
import type { ConnectAccounts, StripeApiConfig } from './config';
import { logger } from './logger';

/**
 * Stripe's API as this service uses it (backfill, reconciliation, re-fetch): one client, every call
 * under one token bucket, 429s waited out. Stripe allows 100 read requests/s in live mode and 25 in
 * test mode per account; the bucket keeps us under the configured rate, and a 429 (another process
 * sharing the account's budget) waits for `Retry-After` before trying again.
 */
export interface StripeApi {
  readonly stripe: Stripe;
  /** One call under the token bucket; a 429 waits Retry-After (or backoff) and tries again, a bounded number of times. */
  call<T>(what: string, fn: (stripe: Stripe) => Promise<T>): Promise<T>;
  /** The connected accounts to cover besides the platform (STRIPE_CONNECT_ACCOUNTS). */
  readonly connectAccounts: ConnectAccounts;
}

/**
 * The accounts reconcile, backfill and sync cover: the platform (null) first, then the configured
 * connected accounts, or every one the platform has when configured as `all`.
 */
export async function accountsToCover(api: StripeApi): Promise<(string | null)[]> {
  if (api.connectAccounts !== 'all') return [null, ...api.connectAccounts];
  const ids: string[] = [];
  for (let after: string | undefined, more = true; more;) {
    const page = await api.call('accounts.list', (stripe) =>
      stripe.accounts.list({ limit: 100, ...(after && { starting_after: after }) }),
    );
    ids.push(...page.data.map((account) => account.id));
    after = page.data.at(-1)?.id;
    more = page.has_more && after !== undefined;
  }
  return [null, ...ids];
}

/** The API version this SDK's types describe; every request pins it, whatever the account's default. */
export const PINNED_STRIPE_API_VERSION = Stripe.API_VERSION;

/** How many 429s one call waits out before giving up (then the caller's own retry takes over). */
export const MAX_RATE_LIMIT_RETRIES = 5;
/** Never wait longer than this for one Retry-After: a workflow activity has a timeout to keep. */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * A token bucket: `ratePerSecond` tokens a second, bursts up to `capacity`. Hand-rolled (30 lines)
 * rather than a dependency: `limiter`/`bottleneck` would do the same, but every helper shares one
 * node_modules and this needs nothing beyond take-or-wait in a single process.
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity = Math.max(1, ratePerSecond),
  ) {
    this.tokens = this.capacity;
  }

  /** Resolves when a token was taken; callers are served in order. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeNow());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeNow(): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
    }
  }
}

/** Retry-After in ms when the error is a 429, else undefined. Seconds only (Stripe never sends a date). */
export function rateLimitDelayMs(err: unknown, attempt: number): number | undefined {
  if (!(err instanceof Stripe.errors.StripeError) || err.statusCode !== 429) return undefined;
  const header = Number(err.headers?.['retry-after']);
  const ms = Number.isFinite(header) && header >= 0 ? header * 1000 : 500 * 2 ** attempt;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

export function createStripeClient(config: StripeApiConfig): Stripe {
  const target = config.baseUrl ? new URL(config.baseUrl) : undefined;
  return new Stripe(config.apiKey, {
    apiVersion: PINNED_STRIPE_API_VERSION,
    // Our own loop retries 429s under the bucket; the SDK's retries would bypass it.
    maxNetworkRetries: 0,
    timeout: 20_000,
    telemetry: false,
    ...(target && {
      host: target.hostname,
      port: target.port || (target.protocol === 'https:' ? 443 : 80),
      protocol: target.protocol === 'https:' ? 'https' : 'http',
    }),
  });
}

export function createStripeApi(config: StripeApiConfig, stripe = createStripeClient(config)): StripeApi {
  const bucket = new TokenBucket(config.requestsPerSecond);
  return {
    stripe,
    connectAccounts: config.connectAccounts ?? [],
    async call(what, fn) {
      for (let attempt = 0; ; attempt++) {
        await bucket.take();
        try {
          return await fn(stripe);
        } catch (err) {
          const delayMs = rateLimitDelayMs(err, attempt);
          if (delayMs === undefined || attempt >= MAX_RATE_LIMIT_RETRIES) throw err;
          logger.warn({ what, attempt: attempt + 1, delayMs }, 'Stripe API rate limit (429): waiting');
          await sleep(delayMs);
        }
      }
    },
  };
}

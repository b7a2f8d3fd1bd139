/** Stripe's Events API keeps 30 days: what a sweep can still recover, and the warnings when it cannot. */

/** Stripe's Events API keeps 30 days of events. */
export const EVENTS_RETENTION_SECONDS = 30 * 24 * 3600;
/** Warn once the oldest second a sweep needs is older than this: a day before events are lost. */
export const RETENTION_WARNING_SECONDS = 29 * 24 * 3600;
export function nowSeconds(clock: () => Date = () => new Date()): number {
  return Math.floor(clock().getTime() / 1000);
}

/** Warnings about Stripe's 30-day window, and `since` clamped into it. */
export function clampToRetention(since: number, now: number): { since: number; warnings: string[] } {
  const age = now - since;
  const days = (age / 86400).toFixed(1);
  if (age > EVENTS_RETENTION_SECONDS) {
    return {
      since: now - EVENTS_RETENTION_SECONDS,
      warnings: [
        `the sweep should start ${days} days ago, but Stripe's Events API keeps 30 days: events created before ` +
          `${new Date((now - EVENTS_RETENTION_SECONDS) * 1000).toISOString()} can no longer be recovered from it`,
      ],
    };
  }
  if (age > RETENTION_WARNING_SECONDS) {
    return {
      since,
      warnings: [
        `the sweep starts ${days} days ago, close to the 30-day limit of Stripe's Events API: ` +
          'events older than 30 days will be lost to reconciliation',
      ],
    };
  }
  return { since, warnings: [] };
}

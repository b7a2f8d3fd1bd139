import type { Logger } from '../common/logger';

/**
 * postgres.js 3.4.x has a race (porsager/postgres#1154, #1208; fixes #1168, #1209 unmerged): when a
 * connection is cut while a write is queued, a `setImmediate` callback writes to the socket the
 * close handler has already set to null, and the TypeError, thrown from a timer, kills the process.
 * Our Postgres-outage fault test hit it in about one run in five.
 *
 * Nothing is lost when it happens: the connection is already closed, its transaction rolled back
 * in Postgres, its query failed or bounded by the activity's start-to-close timeout, and Temporal
 * retries the attempt. So this exact error is logged and survived; any other uncaught exception
 * still ends the process as Node would. Remove once postgres.js ships the fix.
 */
export function isPostgresWriteRace(err: unknown): boolean {
  return (
    err instanceof TypeError &&
    err.message === "Cannot read properties of null (reading 'write')" &&
    /at Immediate\.nextWrite \(.*[\\/]postgres[\\/](cjs[\\/])?src[\\/]connection\.js/.test(err.stack ?? '')
  );
}

export function survivePostgresWriteRace(logger: Logger): void {
  process.on('uncaughtException', (err, origin) => {
    if (isPostgresWriteRace(err)) {
      logger.warn(
        'postgres.js wrote to a closed connection (known driver race); the attempt will be retried',
      );
      return;
    }
    // What Node does without a handler: report and exit.
    logger.fatal({ err, origin }, 'uncaught exception');
    process.exit(1);
  });
}

import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from './logger';

const ORDER: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
const PINO_METHOD = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * Routes the Temporal SDK's own logs (worker lifecycle, activity and workflow failures) through
 * pino, so they get the same JSON shape and the same redaction as ours. `minLevel` keeps the
 * worker's lifecycle chatter out of `npm start`'s terminal.
 */
export function temporalLoggerFor(logger: Logger, minLevel: LogLevel = 'INFO'): TemporalLogger {
  const child = logger.child({ component: 'temporal-sdk' });
  const log = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    if (ORDER[level] < ORDER[minLevel]) return;
    // pino serialises errors under `err` only; the SDK passes them as `error`.
    const { error, ...rest } = (meta ?? {}) as LogMetadata & { error?: unknown };
    child[PINO_METHOD[level]](error === undefined ? rest : { ...rest, err: error }, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

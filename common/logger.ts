import pino from 'pino';
import { ConfigError } from './config-error';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function logLevel(raw = process.env.LOG_LEVEL?.trim()): string {
  if (!raw) return 'info';
  if (!LEVELS.includes(raw))
    throw new ConfigError(`LOG_LEVEL must be one of ${LEVELS.join(', ')}, got "${raw}"`);
  return raw;
}

/**
 * One logger for every process. Log event ids and types, never payloads: events carry emails,
 * names and addresses. The redact list is a safety net, not the policy.
 */
export const logger = pino({
  level: logLevel(),
  base: { service: process.env.SERVICE_NAME ?? 'stripe-temporal' },
  redact: {
    paths: ['event', 'payload', 'body', 'data', '*.data', 'req.headers["stripe-signature"]'],
    censor: '[redacted]',
  },
});

export type Logger = typeof logger;

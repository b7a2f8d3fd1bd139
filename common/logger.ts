import pino from 'pino';

/**
 * One logger for every process. Log event ids and types, never payloads: events carry emails,
 * names and addresses. The redact list is a safety net, not the policy.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: process.env.SERVICE_NAME ?? 'stripe-temporal' },
  redact: {
    paths: ['event', 'payload', 'body', 'data', '*.data', 'req.headers["stripe-signature"]'],
    censor: '[redacted]',
  },
});

export type Logger = typeof logger;

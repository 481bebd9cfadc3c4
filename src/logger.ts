import type { LogFn, LoggerOptions } from 'pino'

/**
 * The one logger gonogo's components take: pino's Logger and Fastify's app.log both fit,
 * so callers pass whichever they have without a cast.
 */
export interface Logger {
  debug: LogFn
  info: LogFn
  warn: LogFn
  error: LogFn
  child: (bindings: Record<string, unknown>) => Logger
}

/**
 * Paths pino blanks out wherever they occur in a log line: API keys, bearer
 * tokens, webhook secrets and URLs (Slack and Teams webhook URLs are credentials).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["api-key"]',
  'headers.authorization',
  'headers["api-key"]',
  'apiKey',
  '*.apiKey',
  'NEW_RELIC_API_KEY',
  '*.NEW_RELIC_API_KEY',
  'GONOGO_API_TOKENS',
  '*.GONOGO_API_TOKENS',
  'apiTokens',
  '*.apiTokens',
  'secret',
  '*.secret',
  'notify[*].secret',
  'notify[*].url',
  '*.notify[*].secret',
  '*.notify[*].url',
  'target.url',
  'target.secret'
]

export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'gonogo' }
  }
}

import type { LogFn } from 'pino'

/**
 * The logger notify needs: pino's Logger and Fastify's app.log both fit, so
 * callers pass whichever they have without a cast.
 */
export interface NotifyLogger {
  debug: LogFn
  info: LogFn
  warn: LogFn
  error: LogFn
  child: (bindings: Record<string, unknown>) => NotifyLogger
}

// Compile-time check (tsc --noEmit), not a test: both loggers callers have must fit NotifyLogger.
import type { FastifyBaseLogger } from 'fastify'
import type { Logger } from 'pino'
import type { NotifyLogger } from '../../src/notify/logger.ts'

export const fromFastify = (log: FastifyBaseLogger): NotifyLogger => log
export const fromPino = (log: Logger): NotifyLogger => log

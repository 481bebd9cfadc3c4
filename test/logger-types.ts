// Compile-time check (tsc --noEmit), not a test: both loggers callers have must fit gonogo's Logger.
import type { FastifyBaseLogger } from 'fastify'
import type { Logger as Pino } from 'pino'
import type { Logger } from '../src/logger.ts'

export const fromFastify = (log: FastifyBaseLogger): Logger => log
export const fromPino = (log: Pino): Logger => log

import { Writable } from 'node:stream'
import pino, { type Logger } from 'pino'
import { loggerOptions } from '../../../src/logger.ts'

/** A pino logger with the service's options (redaction included) writing into memory. */
export function captureLogs (): { logger: Logger, lines: string[] } {
  const lines: string[] = []
  const stream = new Writable({
    write (chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'))
      done()
    }
  })
  return { logger: pino(loggerOptions('debug'), stream), lines }
}

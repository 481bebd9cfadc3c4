/**
 * gonogo's one error tree. Every error has a stable `code` to branch on (never the
 * message), the HTTP status an API caller should see, and whether trying again can
 * help (`retryable`): a checkpoint retries only what says so.
 */
export interface GonogoErrorOptions extends ErrorOptions {
  statusCode?: number
  /** Default: true for a 5xx (the other side's trouble), false for a 4xx (the input's). */
  retryable?: boolean
}

/** Base class of gonogo's own errors. */
export class GonogoError extends Error {
  readonly code: string
  readonly statusCode: number
  readonly retryable: boolean

  constructor (code: string, message: string, options: GonogoErrorOptions = {}) {
    const { statusCode = 500, retryable, ...rest } = options
    super(message, rest)
    this.name = new.target.name
    this.code = code
    this.statusCode = statusCode
    this.retryable = retryable ?? statusCode >= 500
  }

  /** What an API caller may read of this error; subclasses with internals in `message` say less. */
  get publicMessage (): string {
    return this.message
  }
}

/** One or more environment variables are missing or malformed. */
export class ConfigError extends GonogoError {
  readonly problems: string[]
  constructor (problems: string[]) {
    super('GONOGO_CONFIG', `invalid configuration:\n  - ${problems.join('\n  - ')}`, { retryable: false })
    this.problems = problems
  }
}

/**
 * A request the API refuses with a 4xx and a message naming what is wrong. With a
 * `field` the message reads "<field>: <reason>"; `reason` alone is what a checkpoint,
 * which has no request body, records.
 */
export class BadRequestError extends GonogoError {
  readonly reason: string
  constructor (message: string, statusCode = 400, field?: string) {
    super('GONOGO_BAD_REQUEST', field === undefined ? message : `${field}: ${message}`, { statusCode })
    this.reason = message
  }
}

export class NotFoundError extends GonogoError {
  constructor (message: string) {
    super('GONOGO_NOT_FOUND', message, { statusCode: 404 })
  }
}

export class ConflictError extends GonogoError {
  constructor (message: string) {
    super('GONOGO_CONFLICT', message, { statusCode: 409 })
  }
}

/** New Relic (or the simulator) could not be read; 502 or 504 for API callers. */
export class UpstreamError extends GonogoError {
  constructor (message: string, statusCode: 502 | 504 = 502, options?: ErrorOptions) {
    super('GONOGO_UPSTREAM', message, { ...options, statusCode })
  }
}

/** A store invariant broke (a record vanished right after it was written). */
export class StoreError extends GonogoError {
  constructor (message: string) {
    super('GONOGO_STORE', message)
  }
}

/** Base class of gonogo's own errors: a stable `code` and the HTTP status an API caller should see. */
export class GonogoError extends Error {
  readonly code: string
  readonly statusCode: number

  constructor (code: string, message: string, statusCode = 500, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.statusCode = statusCode
  }
}

/** One or more environment variables are missing or malformed. */
export class ConfigError extends GonogoError {
  readonly problems: string[]
  constructor (problems: string[]) {
    super('GONOGO_CONFIG', `invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.problems = problems
  }
}

/** A request the API refuses with a 4xx and a message naming what is wrong. */
export class BadRequestError extends GonogoError {
  constructor (message: string, statusCode = 400) {
    super('GONOGO_BAD_REQUEST', message, statusCode)
  }
}

export class NotFoundError extends GonogoError {
  constructor (message: string) {
    super('GONOGO_NOT_FOUND', message, 404)
  }
}

export class ConflictError extends GonogoError {
  constructor (message: string) {
    super('GONOGO_CONFLICT', message, 409)
  }
}

/** New Relic (or the simulator) could not be read; 502 or 504 for API callers. */
export class UpstreamError extends GonogoError {
  constructor (message: string, statusCode: 502 | 504 = 502, options?: ErrorOptions) {
    super('GONOGO_UPSTREAM', message, statusCode, options)
  }
}

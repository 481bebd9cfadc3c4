/**
 * A counting semaphore: at most `limit` tasks run at once, the rest wait in
 * arrival order. Keeps us under New Relic's 25 concurrent requests per user.
 */
export class Semaphore {
  readonly limit: number
  #active = 0
  #waiting: Array<() => void> = []

  constructor (limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`)
    this.limit = limit
  }

  /** Tasks running now. */
  get active (): number { return this.#active }

  /** Runs `task` once a slot is free and frees the slot when it settles. */
  async run<T> (task: () => Promise<T>): Promise<T> {
    await this.#acquire()
    try {
      return await task()
    } finally {
      this.#release()
    }
  }

  /** Waits for a slot; the returned function frees it (once). */
  async acquire (): Promise<() => void> {
    await this.#acquire()
    let freed = false
    return () => {
      if (freed) return
      freed = true
      this.#release()
    }
  }

  async #acquire (): Promise<void> {
    if (this.#active < this.limit) {
      this.#active++
      return
    }
    // The slot is handed over by #release, so #active stays counted for us.
    await new Promise<void>(resolve => this.#waiting.push(resolve))
  }

  #release (): void {
    const next = this.#waiting.shift()
    if (next !== undefined) next()
    else this.#active--
  }
}

/**
 * Generated blocks, kept in an LRU bounded by the number of events held, so
 * repeated queries are fast and memory stays bounded (about 14 bytes per event).
 */
import { generateBlock } from './generate.ts'
import type { Block } from './generate.ts'
import type { Model } from './model.ts'
import { HOUR_MS } from './time.ts'

/** Default budget: ~16M events (~230 MB of typed arrays). */
export const DEFAULT_CACHE_EVENTS = 16_000_000

export interface StoreStats {
  blocks: number
  events: number
  generatedBlocks: number
  generatedEvents: number
}

/** Blocks of one model, generated on demand. */
export class BlockStore {
  readonly model: Model
  readonly firstHour: number
  readonly hours: number
  #maxEvents: number
  #cache = new Map<number, Block>()
  #events = 0
  #generatedBlocks = 0
  #generatedEvents = 0
  #hostsMax: number

  constructor (model: Model, maxEvents = DEFAULT_CACHE_EVENTS) {
    this.model = model
    this.firstHour = Math.floor(model.from / HOUR_MS) * HOUR_MS
    this.hours = Math.ceil((model.until - this.firstHour) / HOUR_MS)
    this.#maxEvents = maxEvents
    this.#hostsMax = Math.max(...model.apps.map(a => a.hosts.length))
  }

  /** The block of (app, host) for the hour starting at hourStart (inside the scenario). */
  get (appIndex: number, hostIndex: number, hourStart: number): Block {
    const hour = (hourStart - this.firstHour) / HOUR_MS
    const key = (appIndex * this.#hostsMax + hostIndex) * this.hours + hour
    const hit = this.#cache.get(key)
    if (hit !== undefined) {
      this.#cache.delete(key)
      this.#cache.set(key, hit)
      return hit
    }
    const block = generateBlock(this.model, this.model.apps[appIndex], hostIndex, hourStart)
    const size = block.txn.n + block.errors.n
    this.#generatedBlocks++
    this.#generatedEvents += block.txn.n
    this.#cache.set(key, block)
    this.#events += size
    for (const [k, b] of this.#cache) {
      if (this.#events <= this.#maxEvents || k === key) break
      this.#cache.delete(k)
      this.#events -= b.txn.n + b.errors.n
    }
    return block
  }

  /**
   * Generates every block of the scenario ahead of the first query, one block per turn of
   * the event loop so requests are served meanwhile, until the cache is 90% full (a scenario
   * larger than the budget stays generated on demand). A server started with warm-up answers
   * its first big query at warm speed instead of paying for generation.
   */
  async warm (stopped: () => boolean = () => false): Promise<void> {
    for (let hour = 0; hour < this.hours; hour++) {
      const hourStart = this.firstHour + hour * HOUR_MS
      for (let a = 0; a < this.model.apps.length; a++) {
        for (let h = 0; h < this.model.apps[a].hosts.length; h++) {
          if (stopped() || this.#events >= this.#maxEvents * 0.9) return
          this.get(a, h, hourStart)
          await new Promise(resolve => setImmediate(resolve))
        }
      }
    }
  }

  stats (): StoreStats {
    return {
      blocks: this.#cache.size,
      events: this.#events,
      generatedBlocks: this.#generatedBlocks,
      generatedEvents: this.#generatedEvents
    }
  }

  /** Drops every cached block (for cold-cache measurements). */
  clear (): void {
    this.#cache.clear()
    this.#events = 0
  }
}

import type { Redis } from 'ioredis'
import type { GateView } from '../schemas/board.ts'
import type { RolloutState } from '../schemas/rollout.ts'
import { unpack } from './packed.ts'
import { Keys } from './keys.ts'

/** A rendered recommendation: the response bytes and the recommendation they carry. */
export interface RenderedRecommendation {
  body: Buffer
  recommendation: string | null
  state: RolloutState
  /** What GET /gate answers: 200 only for a current GO. */
  gateOpen: boolean
  /** The lean gate body. */
  gate: GateView
  /** Epoch ms after which the body is stale though the revision is not: the rollout turns overdue (or its lateness moves) with no write. */
  validUntil?: number
}

/** Turns what is stored (state, pre-serialised latest or null) into the response. */
export type RenderRecommendation = (id: string, state: RolloutState, latest: Buffer | null, recommendation: string | null, statuses: string) => Promise<RenderedRecommendation>

/**
 * The hot read path of dashboards and deployment gates. Redis stays the one
 * source of truth: each read asks Redis for the rollout's state and `rev` (a
 * few bytes; every write bumps `rev`), and only when `rev` moved does it fetch
 * the pre-serialised latest result and render again. So a read is never stale,
 * and the usual read moves a few bytes instead of the whole result.
 */
export class RecommendationCache {
  readonly #redis: Redis
  readonly #keys: Keys
  readonly #max: number
  readonly #render: RenderRecommendation
  readonly #entries = new Map<string, { rev: string, rendered: RenderedRecommendation }>()

  constructor (redis: Redis, prefix: string, render: RenderRecommendation, max = 1000) {
    this.#redis = redis
    this.#keys = new Keys(prefix)
    this.#render = render
    this.#max = max
  }

  /** The rendered recommendation of a rollout, or null for an unknown id. */
  async read (id: string): Promise<RenderedRecommendation | null> {
    const key = this.#keys.rollout(id)
    const [state, rev] = await this.#redis.hmget(key, 'state', 'rev')
    if (state === null || rev === null) {
      this.#entries.delete(id)
      return null
    }
    const hit = this.#entries.get(id)
    if (hit !== undefined && hit.rev === rev && (hit.rendered.validUntil === undefined || Date.now() < hit.rendered.validUntil)) return hit.rendered
    // One HMGET for everything, so the rendered body and the rev it is cached under agree.
    const [stateNow, revNow, latest, recommendation, statuses] = await this.#redis.hmgetBuffer(key, 'state', 'rev', 'latest', 'recommendation', 'statuses')
    if (stateNow === null || revNow === null) return null
    // The stored latest may be packed (packed.ts); the renderer splices its JSON bytes.
    const json = latest === null ? null : latest[0] === 0x7b ? latest : Buffer.from(unpack(latest))
    const rendered = await this.#render(id, stateNow.toString() as RolloutState, json, recommendation === null || recommendation.length === 0 ? null : recommendation.toString(), statuses?.toString() ?? '')
    this.#entries.delete(id)
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value as string)
    this.#entries.set(id, { rev: revNow.toString(), rendered })
    return rendered
  }
}

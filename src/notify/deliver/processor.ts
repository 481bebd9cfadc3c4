import { UnrecoverableError, type Job } from 'bullmq'
import type { Dispatcher } from 'undici'
import type { Metrics } from '../../metrics.ts'
import type { NotifyTarget } from '../../schemas/notify.ts'
import { deliveryHeaders } from './headers.ts'
import type { DeliveryJob } from '../job.ts'
import type { Logger } from '../../logger.ts'
import { postOnce, type PostResult } from './post.ts'
import type { TargetStore } from '../targets/store.ts'
import type { NotifyFailure } from '../../schemas/rollout.ts'
import { checkUrlStatic, UrlPolicyError } from './url-policy.ts'
import { rolloutTargetId } from '../targets/view.ts'

/** Thrown by an attempt that should be retried; carries the receiver's Retry-After to the backoff strategy. */
export class RetryableDeliveryError extends Error {
  readonly retryAfterMs: number | undefined
  constructor (message: string, retryAfterMs?: number) {
    super(message)
    this.name = 'RetryableDeliveryError'
    this.retryAfterMs = retryAfterMs
  }
}

export interface ProcessorDeps {
  targets: TargetStore
  defaults: readonly NotifyTarget[]
  allowHosts: readonly string[]
  timeoutMs: number
  dispatcher: Dispatcher
  log: Logger
  metrics?: Pick<Metrics, 'notifications'>
  onFailure?: (rolloutId: string, failure: NotifyFailure) => Promise<void>
}

/**
 * One attempt of one delivery job, as the BullMQ worker runs it: resolve the
 * target, check its URL again, post, then return (delivered), throw
 * RetryableDeliveryError (BullMQ retries after our backoff), or report the
 * failure and throw UnrecoverableError (no retry). Logs name the target by
 * scheme and host only.
 */
export class DeliveryProcessor {
  readonly #deps: ProcessorDeps

  constructor (deps: ProcessorDeps) {
    this.#deps = deps
  }

  async process (job: Job<DeliveryJob>): Promise<void> {
    const data = job.data
    const attempt = job.attemptsMade + 1
    const { target, result } = await this.#attempt(data)
    const log = { eventId: data.eventId, type: data.type, kind: data.kind, target: data.origin, attempt }
    if (result.ok) {
      this.#deps.metrics?.notifications.inc({ kind: data.kind, outcome: 'delivered' })
      this.#deps.log.info({ ...log, status: result.status }, 'notification delivered')
      return
    }
    // postOnce builds its error from our own words, the status and a digest: nothing the receiver
    // wrote, so nothing to scrub (a receiver echoing the URL path in any spelling leaks nothing).
    const { error } = result
    if (!result.permanent && attempt < (job.opts.attempts ?? 1)) {
      this.#deps.metrics?.notifications.inc({ kind: data.kind, outcome: 'retried' })
      this.#deps.log.warn({ ...log, status: result.status, digest: result.digest, err: error }, 'notification attempt failed; will retry')
      throw new RetryableDeliveryError(error, result.retryAfterMs)
    }
    await this.giveUp(data, attempt, error, target, result)
    throw new UnrecoverableError(error)
  }

  /** Counts, logs and reports (onFailure) a delivery that will not be retried. Never throws. */
  async giveUp (data: DeliveryJob, attempts: number, error: string, target?: NotifyTarget, last?: PostResult): Promise<void> {
    this.#deps.metrics?.notifications.inc({ kind: data.kind, outcome: 'failed' })
    const seen = last === undefined || last.ok ? {} : { status: last.status, digest: last.digest }
    this.#deps.log.error(
      { eventId: data.eventId, type: data.type, kind: data.kind, target: data.origin, attempts, ...seen, err: error },
      'notification not delivered; giving up'
    )
    if (this.#deps.onFailure === undefined) return
    const failure: NotifyFailure = {
      eventId: data.eventId,
      type: data.type,
      kind: data.kind,
      target: data.origin,
      targetId: publicTargetId(data, target),
      ...(target?.label === undefined ? {} : { label: target.label }),
      attempts,
      error,
      ...(seen.status === undefined ? {} : { status: seen.status }),
      ...(seen.digest === undefined ? {} : { digest: seen.digest }),
      at: new Date().toISOString()
    }
    try {
      await this.#deps.onFailure(data.rolloutId, failure)
    } catch (err) {
      this.#deps.log.error({ eventId: data.eventId, err: (err as Error).message }, 'could not record a notification failure on the rollout')
    }
  }

  /** Finds the target and posts once; every failure becomes a PostResult, never a throw. */
  async #attempt (data: DeliveryJob): Promise<{ target?: NotifyTarget, result: PostResult }> {
    let target: NotifyTarget | undefined
    try {
      target = await this.#resolve(data)
    } catch (err) {
      // A Redis hiccup: worth another attempt like any transient failure.
      return { result: { ok: false, permanent: false, error: `could not read the target: ${(err as Error).message}` } }
    }
    if (target === undefined) {
      return {
        result: {
          ok: false, permanent: true, error: 'target no longer known (rollout forgotten, retention passed or default target removed)'
        }
      }
    }
    const result = this.#recheck(target) ?? await postOnce({
      url: target.url,
      body: data.body,
      headers: deliveryHeaders(data, target),
      timeoutMs: this.#deps.timeoutMs,
      dispatcher: this.#deps.dispatcher
    })
    return { target, result }
  }

  async #resolve (data: DeliveryJob): Promise<NotifyTarget | undefined> {
    if (data.target.startsWith('d:')) {
      const target = this.#deps.defaults[Number(data.target.slice(2))]
      return target?.kind === data.kind ? target : undefined
    }
    return await this.#deps.targets.get(data.rolloutId, data.target.slice(2))
  }

  /** The static URL rules again, at delivery: the allow list may have changed since the target was accepted. */
  #recheck (target: NotifyTarget): PostResult | undefined {
    try {
      checkUrlStatic(target.url, target.kind, this.#deps.allowHosts)
      return undefined
    } catch (err) {
      if (!(err instanceof UrlPolicyError)) throw err
      return { ok: false, permanent: true, error: `url ${err.message}` }
    }
  }
}

/** "d:<n>" for a GONOGO_NOTIFY_DEFAULT target, the id the rollout's view shows for its own, "unknown" once it is gone. */
function publicTargetId (data: DeliveryJob, target: NotifyTarget | undefined): string {
  if (data.target.startsWith('d:')) return data.target
  return target === undefined ? 'unknown' : rolloutTargetId(target)
}

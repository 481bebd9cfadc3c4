import { createHash } from 'node:crypto'
import type { NotifyTarget, NotifyTargetView } from '../../schemas/notify.ts'

/**
 * Scheme and host of a target URL, the only part of it that may be shown or
 * logged: the path of a Slack or Teams webhook URL is its credential.
 */
export function targetOrigin (url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}`
  } catch {
    return '[invalid url]'
  }
}

/**
 * The public id of one of a rollout's own targets, as its view and failure records show it.
 * From kind and URL only, unlike the store's fingerprint: a hash over the webhook secret, shown
 * to whoever reads the rollout, would let them test guesses of the secret offline.
 */
export function rolloutTargetId (target: NotifyTarget): string {
  return `r:${createHash('sha256').update(`${target.kind}\0${target.url}`).digest('hex').slice(0, 16)}`
}

/** A target as GET routes return it: id, kind and scheme+host; never the path, query or secret. */
export function viewTarget (target: NotifyTarget): NotifyTargetView {
  return {
    id: rolloutTargetId(target),
    kind: target.kind,
    url: targetOrigin(target.url),
    ...(target.label === undefined ? {} : { label: target.label }),
    ...(target.events === undefined ? {} : { events: target.events })
  }
}

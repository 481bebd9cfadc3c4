import type { NotifyTarget, NotifyTargetView } from '../../schemas/notify.ts'
import { fingerprint } from './store.ts'

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

/** The id of one of a rollout's own targets, as delivery jobs and failure records name it. */
export function rolloutTargetId (target: NotifyTarget): string {
  return `r:${fingerprint(target)}`
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

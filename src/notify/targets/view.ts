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

/** A target as GET routes return it: kind and scheme+host; never the path, query or secret. */
export function viewTarget (target: NotifyTarget): NotifyTargetView {
  return {
    kind: target.kind,
    url: targetOrigin(target.url),
    ...(target.label === undefined ? {} : { label: target.label }),
    ...(target.events === undefined ? {} : { events: target.events })
  }
}

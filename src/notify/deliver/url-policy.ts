import { isIP } from 'node:net'
import type { NotifyTarget } from '../../schemas/notify.ts'
import { bareHost, isPublicAddress } from './address.ts'

/** Slack incoming webhooks live on these hosts (commercial and GovSlack), under /services/. */
const SLACK_HOSTS = new Set(['hooks.slack.com', 'hooks.slack-gov.com'])

/** A URL rule was broken; `message` completes "<field> ..." (e.g. "must use https"). */
export class UrlPolicyError extends Error {}

/** What the static checks learnt about a target URL. */
export interface CheckedUrl {
  url: URL
  /** The host is in GONOGO_WEBHOOK_ALLOW_HOSTS: http and private addresses are fine. */
  allowed: boolean
  /** Hostname without IPv6 brackets, lower case. */
  hostname: string
}

/**
 * True when the URL's host is in the allow list. Entries match the hostname
 * ("127.0.0.1", "receiver.internal") or the host with its port ("127.0.0.1:8080").
 */
export function isAllowedHost (url: URL, allowHosts: readonly string[]): boolean {
  return hostAllowed(url.hostname, url.port, allowHosts)
}

/**
 * The allow-list match shared by URL checks and the connection guard, so the
 * two never disagree: an entry is a hostname (any port) or hostname:port.
 */
export function hostAllowed (hostname: string, port: string | number | undefined, allowHosts: readonly string[]): boolean {
  const bare = bareHost(hostname).toLowerCase()
  const p = port === undefined || port === '' ? '' : String(port)
  const withPort = p === '' ? undefined : `${bare.includes(':') ? `[${bare}]` : bare}:${p}`
  return allowHosts.some(entry => {
    const e = entry.trim().toLowerCase()
    return bareHost(e) === bare || (withPort !== undefined && e === withPort)
  })
}

/**
 * The checks that need no network: URL syntax, scheme, credentials, literal
 * IP addresses and the shape of Slack URLs. Run when a target is accepted and
 * again before each delivery, so a host removed from the allow list stops
 * receiving. Throws UrlPolicyError.
 */
export function checkUrlStatic (raw: string, kind: NotifyTarget['kind'], allowHosts: readonly string[]): CheckedUrl {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UrlPolicyError('must be an absolute URL')
  }
  const allowed = isAllowedHost(url, allowHosts)
  const hostname = bareHost(url.hostname).toLowerCase()
  // "localhost." and "metadata.google.internal." are the same hosts as without the dot, but slip past
  // every rule written for names; nobody needs the fully qualified spelling for a webhook.
  if (hostname.endsWith('.')) {
    throw new UrlPolicyError(`must not end its host name with a dot (${hostname}); write ${hostname.replace(/\.+$/, '') || 'the name'}`)
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowed)) {
    throw new UrlPolicyError(url.protocol === 'http:'
      ? 'must use https (http only for hosts in GONOGO_WEBHOOK_ALLOW_HOSTS)'
      : `must use https, not ${url.protocol.replace(/:$/, '')}`)
  }
  // Credentials in a URL end up in proxies' and receivers' logs; use the webhook secret instead.
  if (url.username !== '' || url.password !== '') throw new UrlPolicyError('must not contain a user name or password')
  if (hostname === '') throw new UrlPolicyError('must name a host')
  if (!allowed && isIP(hostname) !== 0 && !isPublicAddress(hostname)) {
    throw new UrlPolicyError(
      `must not point at a private, loopback or link-local address (${hostname}) unless the host is in GONOGO_WEBHOOK_ALLOW_HOSTS`
    )
  }
  if (!allowed && isIP(hostname) === 0 && isLocalName(hostname)) {
    throw new UrlPolicyError(`must not point at a local host name (${hostname}) unless the host is in GONOGO_WEBHOOK_ALLOW_HOSTS`)
  }
  if (kind === 'slack' && !allowed && !(SLACK_HOSTS.has(hostname) && url.pathname.startsWith('/services/'))) {
    // Workflow Builder URLs (/triggers/) take free-form variables, not Block Kit: refuse them too.
    throw new UrlPolicyError('must be a Slack incoming webhook URL (https://hooks.slack.com/services/...)')
  }
  return { url, allowed, hostname }
}

/** Names that resolve to this machine or the local network whatever DNS says. */
function isLocalName (hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname.endsWith('.local') ||
    hostname.endsWith('.internal') || !hostname.includes('.')
}

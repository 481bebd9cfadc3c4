import dns from 'node:dns'
import type { LookupFunction } from 'node:net'
import { Agent, buildConnector } from 'undici'
import { bareHost, isPublicAddress } from './address.ts'
import { hostAllowed } from './url-policy.ts'

/** A delivery was refused because the host resolved to, or connected to, a non-public address. */
export class BlockedAddressError extends Error {
  readonly code = 'GONOGO_BLOCKED_ADDRESS'
}

export interface GuardOptions {
  /** GONOGO_WEBHOOK_ALLOW_HOSTS: these hosts may use private addresses. */
  allowHosts: readonly string[]
  connectTimeoutMs: number
  /** DNS lookup; default dns.lookup. Tests inject one to play a rebinding resolver. */
  lookup?: typeof dns.lookup
}

/**
 * An undici Agent that only connects webhook deliveries to public addresses,
 * checked when connecting rather than when the target was accepted: DNS may
 * answer differently by then (rebinding). Two layers:
 * - the DNS lookup used for the connection refuses a name with any
 *   non-public address, so no packet goes to one;
 * - once connected, the socket's remote address is checked again, which also
 *   covers IP literals (no lookup happens for them).
 * Hosts in the allow list skip both. Redirects are never followed (undici's
 * default without a redirect interceptor).
 */
export function guardedAgent (opts: GuardOptions & { headersTimeout: number, bodyTimeout: number }): Agent {
  return new Agent({
    connect: guardedConnector(opts),
    headersTimeout: opts.headersTimeout,
    bodyTimeout: opts.bodyTimeout,
    // Deliveries are sparse (a few per hour per target); idle sockets would only hold file descriptors.
    keepAliveTimeout: 5000,
    connections: 4
  })
}

/** The connector behind guardedAgent, exported for tests. */
export function guardedConnector (opts: GuardOptions): buildConnector.connector {
  const open = buildConnector({ timeout: opts.connectTimeoutMs })
  const guarded = buildConnector({ timeout: opts.connectTimeoutMs, lookup: publicOnlyLookup(opts.lookup ?? dns.lookup) })
  return (options, callback) => {
    if (hostAllowed(options.hostname, options.port, opts.allowHosts)) {
      open(options, callback)
      return
    }
    guarded(options, (err, socket) => {
      if (err !== null) {
        callback(err, null)
        return
      }
      const remote = socket.remoteAddress
      if (remote === undefined || !isPublicAddress(remote)) {
        socket.destroy()
        callback(new BlockedAddressError(`${bareHost(options.hostname)} connected to a non-public address (${remote ?? 'unknown'})`), null)
        return
      }
      callback(null, socket)
    })
  }
}

/** A net lookup function that fails when any address of the name is not public (exported for tests). */
export function publicOnlyLookup (lookup: typeof dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err !== null) {
        callback(err, '', 0)
        return
      }
      const list = addresses as dns.LookupAddress[]
      const blocked = list.find(a => !isPublicAddress(a.address))
      if (blocked !== undefined || list.length === 0) {
        const error = new BlockedAddressError(blocked === undefined
          ? `${hostname} has no address`
          : `${hostname} resolves to a non-public address (${blocked.address})`)
        callback(error, '', 0)
        return
      }
      if (options.all === true) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list)
      else callback(null, list[0].address, list[0].family)
    })
  }
}

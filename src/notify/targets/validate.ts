import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import type { Config } from '../../config.ts'
import { BadRequestError } from '../../errors.ts'
import type { NotifyTarget } from '../../schemas/notify.ts'
import { isPublicAddress } from '../deliver/address.ts'
import { checkUrlStatic, UrlPolicyError } from '../deliver/url-policy.ts'

/** Resolves a host name to its IP addresses. */
export type Resolve = (hostname: string) => Promise<string[]>

export interface ValidateOptions {
  /** DNS resolution; default the system resolver (dns.lookup, all addresses). Tests inject their own. */
  resolve?: Resolve
  /** Path of the target list in error messages; default "body.notify". */
  field?: string
}

const RESOLVE_TIMEOUT_MS = 5000

/**
 * Checks notify targets before a rollout is accepted and throws a
 * BadRequestError naming the field ("body.notify.1.url must use https ...").
 * Rules: https only, no credentials in the URL, no private, loopback or
 * link-local address (literal, or resolved now through DNS when it resolves), Slack URLs on
 * Slack's webhook host, no duplicate targets; hosts in
 * GONOGO_WEBHOOK_ALLOW_HOSTS are exempt from the scheme, address and Slack
 * rules. DNS can change after this check (rebinding), so delivery checks the
 * address it actually connects to as well (see guard.ts).
 */
export async function validateNotifyTargets (
  targets: readonly NotifyTarget[],
  config: Pick<Config, 'webhookAllowHosts'>,
  opts: ValidateOptions = {}
): Promise<void> {
  const field = opts.field ?? 'body.notify'
  const resolve = opts.resolve ?? systemResolve
  const seen = new Map<string, number>()
  for (const [i, target] of targets.entries()) {
    const where = `${field}.${i}.url`
    let checked
    try {
      checked = checkUrlStatic(target.url, target.kind, config.webhookAllowHosts)
    } catch (err) {
      if (err instanceof UrlPolicyError) throw new BadRequestError(`${where} ${err.message}`)
      throw err
    }
    const key = `${target.kind} ${checked.url.href}`
    const first = seen.get(key)
    if (first !== undefined) throw new BadRequestError(`${field}.${i} repeats ${field}.${first}`)
    seen.set(key, i)
    if (checked.allowed || isIP(checked.hostname) !== 0) continue
    let addresses: string[]
    try {
      addresses = await withTimeout(resolve(checked.hostname), RESOLVE_TIMEOUT_MS)
    } catch {
      // A name that does not resolve now (DNS down, no network, a record not yet
      // published) is no reason to refuse a rollout: delivery checks the address it
      // really connects to, and a target that never resolves is recorded on the
      // rollout as a failed delivery.
      continue
    }
    const blocked = addresses.find(a => !isPublicAddress(a))
    if (blocked !== undefined) {
      throw new BadRequestError(`${where} host ${checked.hostname} resolves to a private, loopback or link-local address (${blocked}); ` +
        'add the host to GONOGO_WEBHOOK_ALLOW_HOSTS if that is intended')
    }
  }
}

async function systemResolve (hostname: string): Promise<string[]> {
  const found = await lookup(hostname, { all: true, verbatim: true })
  return found.map(a => a.address)
}

async function withTimeout<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

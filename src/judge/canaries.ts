/**
 * A new host that reported no app at all is not in the pool yet (staggered joins), or
 * misspelt, or without any agent: a rollout-level finding, not every app's NO_DATA, so the
 * other new hosts are still judged and their FAILs still show.
 */
import type { Recommendation } from '../schemas/common.ts'
import { unseenCanariesReason } from './explain/recommendation.ts'
import { hostKey } from './hosts.ts'
import type { AppData } from './input.ts'

/**
 * Configured canary hosts that reported no transaction for any app, when at least one
 * other canary host did (when none did, every app is NO_DATA on its own).
 */
export function unseenCanaries (canaryHosts: string[], apps: AppData[]): string[] {
  if (canaryHosts.length < 2) return []
  const seen = new Set<string>()
  for (const a of apps) for (const h of a.window.hosts) if (h.count > 0) seen.add(hostKey(h.host))
  const unseen = canaryHosts.filter(h => !seen.has(hostKey(h)))
  return unseen.length < canaryHosts.length ? unseen : []
}

/** A GO cannot vouch for a new host nobody has seen: it becomes INCONCLUSIVE, with the reason. */
export function withUnseenCanaries (
  rec: { recommendation: Recommendation, reasons: string[] }, unseen: string[]
): { recommendation: Recommendation, reasons: string[] } {
  if (unseen.length === 0) return rec
  return {
    recommendation: rec.recommendation === 'GO' ? 'INCONCLUSIVE' : rec.recommendation,
    reasons: [...rec.reasons, unseenCanariesReason(unseen)]
  }
}

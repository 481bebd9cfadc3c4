/**
 * A new host that reported no app at all is not in the pool yet (staggered joins), or
 * misspelt, or without any agent: a rollout-level finding, not every app's NO_DATA, so the
 * other new hosts are still judged and their FAILs still show.
 */
import type { Recommendation } from '../schemas/common.ts'
import type { Finding } from '../schemas/result.ts'
import { formatPercent } from './explain/format.ts'
import { sickHostReason, unseenCanariesReason } from './explain/recommendation.ts'
import type { BaselineOutlier } from './outliers.ts'
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

/** The rollout-level finding for new hosts nobody has seen: it holds a GO, since a GO cannot vouch for them. */
export function unseenCanariesFindings (unseen: string[]): Finding[] {
  return unseen.length === 0 ? [] : [{ text: unseenCanariesReason(unseen), holdsGo: true }]
}

/** The recommendation with the rollout-level findings applied: a finding that holds GO makes it INCONCLUSIVE. */
export function withFindings (
  rec: { recommendation: Recommendation, reasons: string[] }, findings: Finding[]
): { recommendation: Recommendation, reasons: string[] } {
  if (findings.length === 0) return rec
  const held = rec.recommendation === 'GO' && findings.some(f => f.holdsGo)
  if (!held) return { recommendation: rec.recommendation, reasons: [...rec.reasons, ...findings.map(f => f.text)] }
  // What made it INCONCLUSIVE comes first: "all 6 apps PASS" read first says GO.
  const holding = findings.filter(f => f.holdsGo).map(f => f.text)
  return { recommendation: 'INCONCLUSIVE', reasons: [...holding, ...rec.reasons, ...findings.filter(f => !f.holdsGo).map(f => f.text)] }
}

/**
 * Existing hosts that stand out from the rest of the pool (left out of an app's error-rate or
 * latency baseline): the team wants to know about the old server too. One finding per host,
 * naming its apps; it holds nothing: the new hosts were judged without it.
 */
export function sickExistingHostFindings (
  apps: Array<{ app: string, errors: BaselineOutlier[], latency: BaselineOutlier[] }>
): Finding[] {
  const byHost = new Map<string, string[]>()
  for (const a of apps) {
    for (const o of a.errors) add(byHost, o.host, `${a.app} error rate ${formatPercent(o.rate)} vs ${formatPercent(o.restRate)}`)
    for (const o of a.latency) add(byHost, o.host, `${a.app} slow share ${formatPercent(o.rate)} vs ${formatPercent(o.restRate)}`)
  }
  return [...byHost].map(([host, what]) => ({
    text: sickHostReason(host, what),
    holdsGo: false
  }))
}

function add (map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

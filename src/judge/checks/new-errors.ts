/**
 * New errors: error classes the canary shows that no other host shows, in the window or
 * in the pre-window. Classes common to all servers are never the canary's fault.
 */
import type { AppData, ErrorClassCount, HostStats } from '../input.ts'
import { classCounts, clean, type AppSides } from '../sides.ts'
import type { CheckContext, Finding } from './types.ts'

export interface NewErrorClass {
  errorClass: string
  /** Occurrences on canary hosts (window and pre-window), scaled by their agents' sampling. */
  count: number
  /** Of those, the TransactionError events New Relic kept: what the test counts. */
  events: number
  /** Chance, with equal rates on every host, that all of them land on the canary. */
  p: number
}

/**
 * New classes with the chance that every occurrence lands on the canary, p0^k. Because a
 * class is "new" only if it is absent from the other hosts in the window and the
 * pre-window, p0 is the canary's share of all transactions in both (canary window and
 * pre-window traffic over everyone's): that is the conditional null share given k.
 * Sorted by p, then count.
 */
export function findNewErrors (data: AppData, sides: AppSides): NewErrorClass[] {
  return newErrorsOf(data, sides).found
}

/**
 * A host's transactions weighted by the share of its errors its agent kept as events, summed
 * over the hosts `keep` selects: where agents sample their error events, an occurrence of a
 * class is seen on a host in proportion to its traffic times that share.
 */
function keptExposure (hosts: HostStats[], rows: ErrorClassCount[], keep: (host: string) => boolean): number {
  const kept = new Map<string, { events: number, count: number }>()
  for (const row of rows) {
    const k = kept.get(row.host) ?? { events: 0, count: 0 }
    k.events += clean(row.events ?? row.count)
    k.count += clean(row.count)
    kept.set(row.host, k)
  }
  let exposure = 0
  for (const h of hosts) {
    if (!keep(h.host)) continue
    const k = kept.get(h.host)
    exposure += clean(h.count) * (k === undefined || k.count <= 0 ? 1 : Math.min(1, k.events / k.count))
  }
  return exposure
}

/**
 * The new classes and an e-value for the app: the mean over every class the app showed
 * (on any host, window or pre-window) of 1{all k on the canary} / p0^k. Each term has
 * expectation 1 given k when every host errs alike, so the mean is an e-value however the
 * classes depend on each other, and e-BH can weigh it with the other tests' for a WARN.
 * k counts the kept events and p0 is the canary's share of traffic weighted by the share of
 * errors each host's agent kept (keptExposure): the chance that a kept occurrence is the
 * canary's. Without sampling that is its share of traffic and k the occurrences.
 */
export function newErrorsOf (data: AppData, sides: AppSides): { found: NewErrorClass[], e: number } {
  const isOther = (h: string): boolean => !sides.isCanary(h)
  const all = (): boolean => true
  const known = new Set([...classCounts(data.window.errorClasses, isOther).keys(), ...classCounts(data.pre.errorClasses, isOther).keys()])
  const canaryRows = [...data.window.errorClasses, ...data.pre.errorClasses]
  const onCanary = classCounts(canaryRows, sides.isCanary)
  const seen = classCounts(canaryRows.map(r => ({ ...r, count: r.events ?? r.count })), sides.isCanary)
  const exposure = (keep: (host: string) => boolean): number =>
    keptExposure(data.window.hosts, data.window.errorClasses, keep) + keptExposure(data.pre.hosts, data.pre.errorClasses, keep)
  const canaryExposure = exposure(sides.isCanary)
  const allExposure = exposure(all)
  const p0 = allExposure > 0 ? Math.min(1, canaryExposure / allExposure) : 1
  const out: NewErrorClass[] = []
  for (const [errorClass, count] of onCanary) {
    if (known.has(errorClass)) continue
    const events = seen.get(errorClass) ?? 0
    out.push({ errorClass, count, events, p: p0 ** events })
  }
  const classes = new Set([...known, ...onCanary.keys()]).size
  const e = classes === 0 ? 0 : out.reduce((a, c) => a + (c.p > 0 ? 1 / c.p : Infinity), 0) / classes
  return { found: out.sort((a, b) => a.p - b.p || b.count - a.count || a.errorClass.localeCompare(b.errorClass)), e }
}

export type NewErrorsFacts =
  | { kind: 'no-data', canaryLabel: string }
  | { kind: 'no-baseline', app: string }
  | { kind: 'none', canaryLabel: string, canaryClasses: number }
  | { kind: 'found', canaryLabel: string, found: NewErrorClass[], failing: NewErrorClass[] }

/**
 * FAIL when a new class occurs at least minCount times and p0^k <= alpha / (number of
 * apps); WARN when e-BH selects the app's new-errors e-value (`warn`) and a new class
 * occurred more than once; PASS otherwise (a class seen once is named in the detail only).
 * The Bonferroni budget across apps is needed because every app brings its own rare
 * classes and each can turn up on the canary alone by chance: at alpha itself, about 3% of
 * clean 25-app rollouts were NO_GO from this check alone (bench/judge.md).
 */
export function checkNewErrors (ctx: CheckContext, warn: boolean): Finding<NewErrorsFacts> {
  const base = { metric: 'newErrors' as const, effect: null, ci: null }
  if (!ctx.canaryReports) {
    return {
      result: { ...base, status: 'NO_DATA', canary: null, baseline: null, pValue: null },
      facts: { kind: 'no-data', canaryLabel: ctx.canaryLabel }
    }
  }
  if (ctx.sides.baseline.count === 0 && ctx.sides.preOtherCount === 0) {
    // Every host that served the app is a canary: nothing to call an error class "new" against.
    return {
      result: { ...base, status: 'INCONCLUSIVE', canary: null, baseline: null, pValue: null },
      facts: { kind: 'no-baseline', app: ctx.app }
    }
  }
  const found = findNewErrors(ctx.data, ctx.sides)
  const pValue = found.length > 0 ? found[0].p : null
  if (found.length === 0) {
    const canaryClasses = classCounts(ctx.data.window.errorClasses, ctx.sides.isCanary).size
    return {
      result: { ...base, status: 'PASS', canary: 0, baseline: null, pValue },
      facts: { kind: 'none', canaryLabel: ctx.canaryLabel, canaryClasses }
    }
  }
  const level = ctx.alpha / Math.max(1, ctx.nApps)
  const failing = found.filter(c => c.events >= ctx.thresholds.newErrors.minCount && c.p <= level)
  const total = found.reduce((a, c) => a + c.count, 0)
  return {
    result: {
      ...base,
      status: failing.length > 0 ? 'FAIL' : warn && found.some(c => c.events > 1) ? 'WARN' : 'PASS',
      canary: total,
      baseline: 0,
      pValue
    },
    facts: { kind: 'found', canaryLabel: ctx.canaryLabel, found, failing }
  }
}

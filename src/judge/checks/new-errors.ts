/**
 * New errors: error classes the canary shows that no other host shows, in the window or
 * in the pre-window. Classes common to all servers are never the canary's fault.
 */
import { formatCount, formatP } from '../format.ts'
import { classCounts } from '../sides.ts'
import type { CheckContext, CheckOutcome } from './types.ts'

const PRE_LABEL = 'pre-window'

export interface NewErrorClass {
  errorClass: string
  /** Occurrences on canary hosts (window and pre-window). */
  count: number
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
export function findNewErrors (ctx: CheckContext): NewErrorClass[] {
  const { data, sides } = ctx
  const isOther = (h: string): boolean => !sides.isCanary(h)
  const known = new Set([...classCounts(data.window.errorClasses, isOther).keys(), ...classCounts(data.pre.errorClasses, isOther).keys()])
  const onCanary = classCounts([...data.window.errorClasses, ...data.pre.errorClasses], sides.isCanary)
  const canaryExposure = sides.canary.count + sides.preCanary.count
  const allWindow = data.window.hosts.reduce((a, h) => a + (h.count > 0 ? h.count : 0), 0)
  const allExposure = allWindow + sides.preCanary.count + sides.preOtherCount
  const p0 = allExposure > 0 ? Math.min(1, canaryExposure / allExposure) : 1
  const out: NewErrorClass[] = []
  for (const [errorClass, count] of onCanary) {
    if (known.has(errorClass)) continue
    out.push({ errorClass, count, p: p0 ** count })
  }
  return out.sort((a, b) => a.p - b.p || b.count - a.count || a.errorClass.localeCompare(b.errorClass))
}

/**
 * FAIL when a new class occurs at least minCount times and p0^k <= alpha / (number of
 * apps); WARN for new classes seen once or not unlikely enough; PASS otherwise.
 * The Bonferroni budget across apps is needed because every app brings its own rare
 * classes and each can turn up on the canary alone by chance: at alpha itself, about 3% of
 * clean 25-app rollouts were NO_GO from this check alone (bench/judge.md).
 */
export function checkNewErrors (ctx: CheckContext): CheckOutcome {
  const base = { metric: 'newErrors' as const, effect: null, ci: null }
  if (!ctx.canaryReports) return { result: { ...base, status: 'NO_DATA', canary: null, baseline: null, pValue: null, detail: `no error data from ${ctx.canaryLabel}` }, short: '' }
  if (ctx.sides.baseline.count === 0 && ctx.sides.preOtherCount === 0) {
    // Every host that served the app is a canary: nothing to call an error class "new" against.
    return { result: { ...base, status: 'INCONCLUSIVE', canary: null, baseline: null, pValue: null, detail: `no existing host served ${ctx.app} in the window or the ${PRE_LABEL} before it: no error classes to compare with` }, short: 'no baseline to compare with' }
  }
  const found = findNewErrors(ctx)
  const { minCount } = ctx.thresholds.newErrors
  const level = ctx.alpha / Math.max(1, ctx.nApps)
  const failing = found.filter(c => c.count >= minCount && c.p <= level)
  const canaryClasses = classCounts(ctx.data.window.errorClasses, ctx.sides.isCanary).size
  const pValue = found.length > 0 ? found[0].p : null
  if (found.length === 0) {
    const detail = canaryClasses === 0
      ? `no error classes on ${ctx.canaryLabel}`
      : `no error class on ${ctx.canaryLabel} that the existing hosts do not also show (${canaryClasses} class${canaryClasses === 1 ? '' : 'es'} seen)`
    return { result: { ...base, status: 'PASS', canary: 0, baseline: null, pValue, detail }, short: 'none' }
  }
  const list = (cs: NewErrorClass[]): string => cs.slice(0, 3).map(c => `${c.errorClass} x${formatCount(c.count)}`).join(', ') + (cs.length > 3 ? ` and ${cs.length - 3} more` : '')
  const total = found.reduce((a, c) => a + c.count, 0)
  if (failing.length > 0) {
    return {
      result: { ...base, status: 'FAIL', canary: total, baseline: 0, pValue, detail: `new on ${ctx.canaryLabel}: ${list(failing)}, seen on no existing host in the window or before it (all on the new host by chance: ${formatP(failing[0].p)})` },
      short: `new error ${failing[0].errorClass} x${formatCount(failing[0].count)}`
    }
  }
  return {
    result: { ...base, status: 'WARN', canary: total, baseline: 0, pValue, detail: `seen only on ${ctx.canaryLabel}: ${list(found)} (too few to blame the new host: ${formatP(found[0].p)})` },
    short: `new error ${found[0].errorClass} x${formatCount(found[0].count)}`
  }
}

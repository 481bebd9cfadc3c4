/**
 * Number formatting for the one-line details people read in chat and dashboards.
 * One place, so every check prints numbers the same way.
 */

/** 12345 -> "12,345". */
export function formatCount (n: number): string {
  if (!Number.isFinite(n)) return String(n)
  return Math.round(n).toLocaleString('en-US')
}

/** A fraction as a percentage with digits that matter: 0.039 -> "3.9%", 0.0012 -> "0.12%", 0 -> "0%". */
export function formatPercent (fraction: number): string {
  if (!Number.isFinite(fraction)) return 'n/a'
  const pct = fraction * 100
  if (pct === 0) return '0%'
  const abs = Math.abs(pct)
  if (abs >= 99.95 && abs < 100) return `${pct.toFixed(2)}%`
  if (abs >= 1) return `${pct.toFixed(1)}%`
  if (abs >= 0.1) return `${pct.toFixed(2)}%`
  if (abs >= 0.0001) return `${trimZeros(pct.toPrecision(2))}%`
  return '<0.0001%'
}

/** A difference of two rates in percentage points: 0.001 -> "0.10 pp". */
export function formatPoints (fraction: number): string {
  return formatPercent(fraction).replace(/%$/, ' pp')
}

/** A p-value as people quote it, two significant digits: "p<0.001", "p=0.012", "p=0.34", "p=1". */
export function formatP (p: number | null): string {
  if (p === null || Number.isNaN(p)) return 'p=n/a'
  if (p < 0.001) return 'p<0.001'
  if (p >= 0.995) return 'p=1'
  return `p=${trimZeros(p.toPrecision(2))}`
}

/** A ratio with the digits that matter near the 1.10 and 1.25 margins: "1.12", "3.9", "25". */
export function formatRatio (r: number): string {
  if (Number.isNaN(r)) return 'n/a'
  if (r === Infinity) return 'inf'
  if (r >= 9.95) return formatCount(r)
  if (r >= 2) return r.toFixed(1)
  return r.toFixed(2)
}

/** Durations in seconds: "412 ms", "1.23 s", "45 s". */
export function formatSeconds (s: number | null): string {
  if (s === null || !Number.isFinite(s)) return 'n/a'
  const abs = Math.abs(s)
  if (abs < 1) return `${Math.round(s * 1000)} ms`
  if (abs < 10) return `${s.toFixed(2)} s`
  return `${formatCount(s)} s`
}

/** Host lists: "PRDIIS09", "PRDIIS09 and PRDIIS10", "3 new hosts". */
export function formatHosts (hosts: string[], kind: 'new' | 'existing'): string {
  if (hosts.length === 0) return `no ${kind} host`
  if (hosts.length === 1 && kind === 'new') return hosts[0]
  if (hosts.length === 2 && kind === 'new') return `${hosts[0]} and ${hosts[1]}`
  return `${hosts.length} ${kind} host${hosts.length === 1 ? '' : 's'}`
}

/** "on PRDIIS09" / "on 3 existing hosts". */
export function onHosts (hosts: string[], kind: 'new' | 'existing'): string {
  return `on ${formatHosts(hosts, kind)}`
}

/**
 * A ratio and its bounds: "x2.08, 95% CS 1.97-2.21". Bounds are rounded outwards and the
 * estimate gets a digit more (up to two) when rounding would make it read as equal to a
 * bound it is not equal to ("x2.1, CS 1.97-2.1" said nothing true). `high` null: no upper
 * bound ("1.6-inf").
 */
export function formatRatioBounds (
  estimate: number | null, bounds: { low: number, high: number | null }, label: string
): { estimate: string, bounds: string } {
  const base = decimalsFor(estimate ?? bounds.low)
  let d = base
  for (; d < base + 2; d++) {
    const e = estimate === null ? null : fixed(estimate, d, Math.round)
    const lo = fixed(bounds.low, d, Math.floor)
    const hi = bounds.high === null ? null : fixed(bounds.high, d, Math.ceil)
    const clash = e !== null && ((e === lo && estimate !== bounds.low) || (e === hi && estimate !== bounds.high))
    if (!clash) break
  }
  const estimateText = estimate === null ? 'n/a' : fixed(estimate, d, Math.round)
  const high = bounds.high === null ? 'inf' : fixed(bounds.high, d, Math.ceil)
  return { estimate: estimateText, bounds: `${label} ${fixed(bounds.low, d, Math.floor)}-${high}` }
}

/** Decimals formatRatio shows for a value of this size. */
function decimalsFor (r: number): number {
  return r >= 9.95 ? 0 : r >= 2 ? 1 : 2
}

/** A non-negative ratio with d decimals, rounded by `round`; thousands separated when whole. */
function fixed (r: number, d: number, round: (x: number) => number): string {
  if (!Number.isFinite(r)) return r > 0 ? 'inf' : 'n/a'
  const scale = 10 ** d
  // A hair of slack so 1.1 * 100 = 110.00000000000001 does not ceil to 1.11.
  const v = round(r * scale + (round === Math.ceil ? -1e-9 : round === Math.floor ? 1e-9 : 0)) / scale
  return d === 0 ? v.toLocaleString('en-US') : v.toFixed(d)
}

function trimZeros (s: string): string {
  return s.includes('.') && !s.includes('e') ? s.replace(/0+$/, '').replace(/\.$/, '') : s
}

/** "1 error", "3 errors", "12,345 transactions". */
export function plural (n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`
}

/** "~2,400" with two significant digits: it is an order of magnitude, not a promise. */
export function roughCount (n: number): string {
  const digits = Math.max(0, Math.floor(Math.log10(Math.max(1, n))) - 1)
  const r = Math.ceil(n / 10 ** digits) * 10 ** digits
  return `~${r.toLocaleString('en-US')}`
}

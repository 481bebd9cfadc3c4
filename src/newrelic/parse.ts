/**
 * Readers for NRQL result rows as New Relic shapes them. Every reader is null-safe:
 * a missing or odd value gives null, never a throw, so one strange row cannot sink
 * a checkpoint.
 */

export type Row = Record<string, unknown>

/**
 * The facet values of a row, named by the FACET attributes in order. A one-attribute
 * FACET gives `facet` as a string, a several-attribute FACET an array; either way the
 * attribute may also be under its own name. Null when any value is missing.
 */
export function facetOf<const K extends string> (row: Row, attributes: readonly K[]): Record<K, string> | null {
  const raw = row.facet
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]
  const out = {} as Record<K, string>
  for (let i = 0; i < attributes.length; i++) {
    const name = attributes[i]
    const value = list.length === attributes.length ? list[i] : row[name]
    if (value === undefined || value === null) return null
    out[name] = String(value)
  }
  return out
}

/** A finite number under `key`, else null. Numeric strings are accepted. */
export function numberOf (row: Row, key: string): number | null {
  return toNumber(row[key])
}

/** A count: a finite number under `key`, 0 when absent (New Relic omits nothing, but be safe). */
export function countOf (row: Row, key: string): number {
  return numberOf(row, key) ?? 0
}

/**
 * One percentile: `{"percentile.duration": {"95": 0.41}}` gives 0.41 for ("duration", 95).
 * Also reads a bare number under the key, and keys written "95.0".
 */
export function percentileOf (row: Row, attribute: string, p: number, key = `percentile.${attribute}`): number | null {
  const value = row[key]
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const byP = value as Record<string, unknown>
    for (const k of [String(p), p.toFixed(1)]) {
      const n = toNumber(byP[k])
      if (n !== null) return n
    }
    return null
  }
  return toNumber(value)
}

/** A TIMESERIES row's bucket start in epoch ms (from `beginTimeSeconds`), else null. */
export function bucketStartMs (row: Row): number | null {
  const seconds = numberOf(row, 'beginTimeSeconds')
  return seconds === null ? null : Math.round(seconds * 1000)
}

/** The rows of a result, keeping only objects. */
export function rowsOf (result: { results?: unknown } | undefined): Row[] {
  const rows = result?.results
  return Array.isArray(rows) ? rows.filter((r): r is Row => typeof r === 'object' && r !== null && !Array.isArray(r)) : []
}

function toNumber (value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value)
    return Number.isFinite(n) ? n : null
  }
  return null
}

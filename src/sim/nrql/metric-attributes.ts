/**
 * Attributes of `FROM Metric` data points (see ../metric.ts): the dimensions New
 * Relic documents for APM timeslice metrics queried with NRQL (appName, host,
 * transactionType, transactionName, metricName, metricTimesliceName, entity.guid,
 * appId) and the metric names themselves as value attributes.
 */
import type { EventTable, MetricTable } from '../event-table.ts'
import { DURATION, ERROR_COUNT, METRIC_NAMES } from '../metric.ts'
import { TRANSACTION_NAMES } from '../model.ts'
import type { Agg, Expr, SelectItem } from './ast.ts'
import type { AttrDef } from './attr-def.ts'

const NAME_CODES = TRANSACTION_NAMES.length + 1

function transactionName (c: number): string | null {
  return c < TRANSACTION_NAMES.length ? TRANSACTION_NAMES[c] : null
}

/** The legacy timeslice name of a data point: the transaction's, or Errors/... */
function timesliceName (code: number): string | null {
  const kind = Math.floor(code / NAME_CODES)
  const name = transactionName(code % NAME_CODES)
  if (kind === DURATION) return name
  if (kind === ERROR_COUNT) return 'Errors/allWeb'
  return name === null ? null : `Errors/${name}`
}

const metricTable = (t: EventTable): MetricTable => t as MetricTable

/** A metric name as a value attribute: the data point's mean where it is that metric, else null. */
function metricValue (kind: number): AttrDef {
  return {
    metric: kind,
    get: (_app, _host, t, i) => {
      const m = metricTable(t)
      if (m.kind[i] !== kind) return null
      return kind === DURATION ? m.sum[i] / m.count[i] : m.count[i]
    }
  }
}

const guid: AttrDef = { constant: app => app.guid, get: app => app.guid }

export const METRIC: Record<string, AttrDef> = {
  appName: { constant: app => app.name, get: app => app.name },
  host: { constant: (_app, host) => host, get: (_app, host) => host },
  timestamp: { get: (_app, _host, t, i) => t.startMs + t.ts[i] },
  transactionType: { constant: () => 'Web', get: () => 'Web' },
  'entity.guid': guid,
  entityGuid: guid,
  appId: { constant: app => app.applicationId, get: app => app.applicationId },
  metricName: {
    code: (t, i) => metricTable(t).kind[i],
    codeCount: () => METRIC_NAMES.length,
    decode: (_app, c) => METRIC_NAMES[c],
    get: (_app, _host, t, i) => METRIC_NAMES[metricTable(t).kind[i]]
  },
  transactionName: {
    codeColumn: 'name',
    code: (t, i) => t.name[i],
    codeCount: () => NAME_CODES,
    decode: (_app, c) => transactionName(c),
    get: (_app, _host, t, i) => transactionName(t.name[i])
  },
  metricTimesliceName: {
    code: (t, i) => metricTable(t).kind[i] * NAME_CODES + t.name[i],
    codeCount: () => METRIC_NAMES.length * NAME_CODES,
    decode: (_app, c) => timesliceName(c),
    get: (_app, _host, t, i) => timesliceName(metricTable(t).kind[i] * NAME_CODES + t.name[i])
  },
  ...Object.fromEntries(METRIC_NAMES.map((name, kind) => [name, metricValue(kind)]))
}

/** The metrics an aggregate reads, or null when it reads data points of any metric (count(*)...). */
function metricsRead (agg: Agg): Set<string> | null {
  if (agg.inner !== undefined) return metricsRead(agg.inner)
  const def = agg.attr === undefined ? undefined : METRIC[agg.attr]
  return def?.metric === undefined ? null : new Set([METRIC_NAMES[def.metric]])
}

/**
 * The WHERE clause of a Metric query with the data points restricted to the metrics its
 * aggregates read, when they all read named metrics: a data point of another metric has
 * none of these values, and New Relic does not make facets of such points.
 */
export function metricWhere (select: SelectItem[], where: Expr | undefined): Expr | undefined {
  const names = new Set<string>()
  for (const item of select) {
    const read = metricsRead(item.agg)
    if (read === null) return where
    for (const n of read) names.add(n)
  }
  const scope: Expr = { kind: 'in', attr: 'metricName', values: [...names], negated: false }
  return where === undefined ? scope : { kind: 'and', left: scope, right: where }
}

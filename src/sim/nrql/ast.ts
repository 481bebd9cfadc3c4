/** The parsed form of the NRQL subset the simulator understands. */

export type Literal = string | number | boolean | null

export type CmpOp = '=' | '!=' | '<' | '<=' | '>' | '>='

export type Expr =
  | { kind: 'cmp', attr: string, op: CmpOp, value: Literal }
  | { kind: 'in', attr: string, values: Literal[], negated: boolean }
  | { kind: 'is', attr: string, test: 'true' | 'false' | 'null', negated: boolean }
  | { kind: 'like', attr: string, pattern: string, negated: boolean }
  | { kind: 'and', left: Expr, right: Expr }
  | { kind: 'or', left: Expr, right: Expr }
  | { kind: 'not', expr: Expr }

export type AggFn =
  | 'count' | 'average' | 'max' | 'min' | 'sum' | 'percentile' | 'median'
  | 'uniqueCount' | 'latest' | 'earliest' | 'filter' | 'percentage' | 'rate'

export interface Agg {
  fn: AggFn
  /** The attribute aggregated; '*' for count(*); absent for filter/percentage/rate. */
  attr?: string
  /** percentile(attr, 50, 95): [50, 95]; median: [50]. */
  percentiles?: number[]
  /** filter(inner, WHERE ...), percentage(inner, WHERE ...), rate(inner, N unit). */
  inner?: Agg
  where?: Expr
  /** rate(): the unit of time, ms. */
  per?: number
}

export interface SelectItem {
  agg: Agg
  /** Result key: the AS alias or New Relic's default name (count, average.duration...). */
  key: string
}

/** SINCE/UNTIL before resolution against "now". */
export type TimeRef =
  | { kind: 'abs', ms: number }
  | { kind: 'ago', ms: number }
  | { kind: 'now' }

export interface Query {
  select: SelectItem[]
  from: string
  where?: Expr
  facets: string[]
  /** Present when TIMESERIES was given; bucketMs null means automatic. */
  timeseries?: { bucketMs: number | null }
  since?: TimeRef
  until?: TimeRef
  /** Facet limit (LIMIT MAX is 5000). */
  limit?: number
  timezone?: string
  /** EXTRAPOLATE: scale count/sum-like aggregates by the agents' sampling ratios. */
  extrapolate?: boolean
}

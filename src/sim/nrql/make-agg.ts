/** Builds the aggregate states of a query: plain, weighted (EXTRAPOLATE) or over timeslice metrics. */
import { METRIC_NAMES } from '../metric.ts'
import type { Agg } from './ast.ts'
import {
  CountState, EdgeState, FilterState, MomentState, PercentageState, PercentileState, RateState, UniqueState, WhereCache
} from './aggregates.ts'
import type { AggState } from './aggregates.ts'
import type { AttrDef } from './attr-def.ts'
import { attrDef } from './attributes.ts'
import { WeightedCountState, WeightedMomentState } from './extrapolate.ts'
import { NrqlSyntaxError } from './lexer.ts'
import { MetricState } from './metric-aggregates.ts'

/**
 * The state of one aggregate of a query over `eventType`; `extrapolate` (the query
 * says EXTRAPOLATE) weights count, sum and average by the agents' sampling ratios.
 */
export function makeAgg (agg: Agg, eventType: string, extrapolate = false): AggState {
  const def = (): AttrDef => attrDef(eventType, agg.attr as string)
  const metric = agg.attr === undefined || agg.attr === '*' ? undefined : def().metric
  if (metric !== undefined) {
    if (agg.fn === 'count' || agg.fn === 'sum' || agg.fn === 'average' || agg.fn === 'min' || agg.fn === 'max') {
      return new MetricState(agg.fn, metric)
    }
    throw new NrqlSyntaxError(`${agg.fn}() is not supported on the APM timeslice metric ${METRIC_NAMES[metric]}; ` +
      'use count, sum, average, min, max or rate')
  }
  switch (agg.fn) {
    case 'count':
      return extrapolate ? new WeightedCountState(agg.attr === '*' ? null : def()) : new CountState(agg.attr === '*' ? null : def())
    case 'sum':
    case 'average':
      return extrapolate ? new WeightedMomentState(agg.fn, def()) : new MomentState(agg.fn, def())
    case 'min':
    case 'max':
      return new MomentState(agg.fn, def())
    case 'percentile':
    case 'median':
      return new PercentileState(agg.percentiles as number[], def())
    case 'uniqueCount':
      return new UniqueState(def())
    case 'latest':
    case 'earliest':
      return new EdgeState(agg.fn === 'latest', def())
    case 'filter':
      return new FilterState(makeAgg(agg.inner as Agg, eventType, extrapolate), new WhereCache(agg.where))
    case 'percentage':
      return new PercentageState(
        makeAgg(agg.inner as Agg, eventType, extrapolate),
        new FilterState(makeAgg(agg.inner as Agg, eventType, extrapolate), new WhereCache(agg.where))
      )
    case 'rate':
      return new RateState(makeAgg(agg.inner as Agg, eventType, extrapolate), agg.per as number)
  }
}

/**
 * What an attribute definition is (how one attribute is read from a block's
 * table): the type shared by the event attributes (attributes.ts), the Metric
 * attributes (metric-attributes.ts) and the engine that reads them.
 */
import type { EventTable } from '../event-table.ts'
import type { AppModel } from '../model.ts'

export type Value = string | number | boolean | null

export interface AttrDef {
  /** Value for every event of (app, host); present only for such attributes. */
  constant?: (app: AppModel, host: string) => Value
  /** Categorical: an integer code per event, below codeCount(app). */
  code?: (t: EventTable, i: number) => number
  codeCount?: (app: AppModel) => number
  decode?: (app: AppModel, code: number) => Value
  /** The value of event i (always present). */
  get: (app: AppModel, host: string, t: EventTable, i: number) => Value
  /** Numeric column for tight loops (duration). */
  column?: 'dur'
  /** The column `code` reads as is, so predicates can index it directly. */
  codeColumn?: 'err' | 'name'
  /** A timeslice metric of `FROM Metric` (index into METRIC_NAMES): aggregated from its data points' summaries. */
  metric?: number
}

/**
 * How each attribute of Transaction and TransactionError is read from a block.
 * Attributes constant over a block (appName, host) are known before generating
 * it, which is how WHERE clauses on them skip whole (app, host) pairs. Small
 * categorical attributes expose integer codes so predicates and facets work on
 * lookup tables instead of strings.
 */
import type { EventTable } from '../event-table.ts'
import { TRANSACTION_NAMES } from '../model.ts'
import type { AppModel } from '../model.ts'
import type { AttrDef } from './attr-def.ts'
import { METRIC } from './metric-attributes.ts'

const appName: AttrDef = {
  constant: app => app.name,
  get: app => app.name
}

const hostAttr: AttrDef = {
  constant: (_app, host) => host,
  get: (_app, host) => host
}

const timestamp: AttrDef = {
  get: (_app, _host, t, i) => t.startMs + t.ts[i]
}

const nameCodes: AttrDef = {
  codeColumn: 'name',
  code: (t: EventTable, i: number) => t.name[i],
  codeCount: () => TRANSACTION_NAMES.length,
  decode: (_app: AppModel, c: number) => TRANSACTION_NAMES[c],
  get: (_app: AppModel, _host: string, t: EventTable, i: number) => TRANSACTION_NAMES[t.name[i]]
}

/** Codes of attributes derived from the error column: the column itself. */
const errCodes = {
  codeColumn: 'err' as const,
  code: (t: EventTable, i: number) => t.err[i],
  codeCount: (app: AppModel) => app.classes.length + 1
}

const TRANSACTION: Record<string, AttrDef> = {
  appName,
  host: hostAttr,
  timestamp,
  name: nameCodes,
  transactionType: {
    constant: () => 'Web',
    get: () => 'Web'
  },
  duration: {
    get: (_app, _host, t, i) => t.dur[i],
    column: 'dur'
  },
  error: {
    ...errCodes,
    decode: (_app, c) => c !== 0,
    get: (_app, _host, t, i) => t.err[i] !== 0
  },
  // A string, as the .NET agent reports it.
  httpResponseCode: {
    ...errCodes,
    decode: (_app, c) => c !== 0 ? '500' : '200',
    get: (_app, _host, t, i) => t.err[i] !== 0 ? '500' : '200'
  }
}

const TRANSACTION_ERROR: Record<string, AttrDef> = {
  appName,
  host: hostAttr,
  timestamp,
  transactionName: nameCodes,
  'error.class': {
    ...errCodes,
    decode: (app, c) => c === 0 ? null : app.classes[c - 1],
    get: (app, _host, t, i) => t.err[i] === 0 ? null : app.classes[t.err[i] - 1]
  },
  'error.message': {
    ...errCodes,
    decode: (app, c) => c === 0 ? null : app.messages[c - 1],
    get: (app, _host, t, i) => t.err[i] === 0 ? null : app.messages[t.err[i] - 1]
  }
}

/** Attributes that events do not carry read as null, as in New Relic. */
const MISSING: AttrDef = {
  constant: () => null,
  get: () => null
}

export const EVENT_TYPES: Record<string, Record<string, AttrDef>> = {
  Transaction: TRANSACTION,
  TransactionError: TRANSACTION_ERROR,
  Metric: METRIC
}

/** The definition of `attr` for an event type (null-valued when unknown). */
export function attrDef (eventType: string, attr: string): AttrDef {
  return EVENT_TYPES[eventType]?.[attr] ?? MISSING
}

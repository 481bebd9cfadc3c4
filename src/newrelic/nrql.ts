/**
 * NRQL templating: the one place that turns values into NRQL text. Templates live
 * in `queries/*.nrql` with `{{name}}` placeholders; every placeholder name has one
 * declared kind, and each kind has one way to be written, or the value is refused.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MAX_NAME_LENGTH, unsafeNameReason } from '../schemas/name-rule.ts'
import { NrqlTemplateError } from './errors.ts'

/** How a placeholder's value is written into NRQL. */
export type PlaceholderKind = 'string' | 'stringList' | 'epochMs' | 'number' | 'int' | 'slowFilters'

/** Every placeholder any template may use, with its kind. */
export const PLACEHOLDERS = {
  app: 'string',
  apps: 'stringList',
  hosts: 'stringList',
  since: 'epochMs',
  until: 'epochMs',
  threshold: 'number',
  slowFilters: 'slowFilters',
  bucketMinutes: 'int'
} as const satisfies Record<string, PlaceholderKind>

/** The templates the code uses; each is `queries/<name>.nrql`. */
export const TEMPLATE_NAMES = [
  'host-stats', 'host-latency', 'error-classes', 'side-latency', 'slow-count', 'host-series', 'apps-on-hosts'
] as const
export type TemplateName = typeof TEMPLATE_NAMES[number]

export type NrqlValue = string | number | readonly string[] | readonly number[]

/** Longest string literal we write; New Relic attribute values are this short in practice. */
export const MAX_STRING_LENGTH = MAX_NAME_LENGTH
/** Most items in one `IN (...)` list; callers chunk longer lists. */
export const MAX_LIST_ITEMS = 500
/** Most slow-count filters (distinct thresholds) in one SELECT. */
export const MAX_SLOW_FILTERS = 20

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

interface Template {
  text: string
  placeholders: Set<string>
}

let templates: Map<string, Template> | undefined

/**
 * Renders template `name` with `values`: one value per placeholder, no more, no
 * less, each written by its kind. Throws NrqlTemplateError for anything that cannot
 * be written safely, before any request is made.
 */
export function renderNrql (name: TemplateName, values: Record<string, NrqlValue>): string {
  const template = loadTemplates().get(name)
  if (template === undefined) throw new NrqlTemplateError(`unknown NRQL template "${name}"`)
  for (const key of Object.keys(values)) {
    if (!template.placeholders.has(key)) throw new NrqlTemplateError(`template "${name}" has no placeholder {{${key}}}`)
  }
  for (const key of template.placeholders) {
    if (!Object.hasOwn(values, key) || values[key] === undefined) {
      throw new NrqlTemplateError(`template "${name}" needs a value for {{${key}}}`)
    }
  }
  // One pass over the template: text inside values is never scanned for placeholders.
  return template.text.replace(PLACEHOLDER, (_, key: string) => formatValue(`${name}: {{${key}}}`, kindOf(key), values[key]))
}

/** Writes one value of a kind as NRQL; `label` names it in errors. */
export function formatValue (label: string, kind: PlaceholderKind, value: unknown): string {
  switch (kind) {
    case 'string': return quoteString(label, value)
    case 'stringList': return quoteList(label, value)
    case 'epochMs': return formatInt(label, value, 0)
    case 'int': return formatInt(label, value, Number.MIN_SAFE_INTEGER)
    case 'number': return formatNumber(label, value)
    case 'slowFilters': return slowFilters(label, value)
  }
}

/**
 * `filter(count(*), WHERE duration > 0.42) AS 'slow0', ...`: one slow count per
 * distinct threshold (seconds), so apps with different thresholds share a query.
 * Row keys are `slow<i>` for the i-th threshold.
 */
export function slowFilters (label: string, value: unknown): string {
  if (!Array.isArray(value) || value.length === 0) throw new NrqlTemplateError(`${label} must be a non-empty list of thresholds`)
  if (value.length > MAX_SLOW_FILTERS) throw new NrqlTemplateError(`${label} has ${value.length} thresholds, more than ${MAX_SLOW_FILTERS}`)
  return value.map((t, i) => {
    if (typeof t !== 'number' || !(t > 0)) {
      throw new NrqlTemplateError(`${label}[${i}] must be a positive number of seconds, got ${String(t)}`)
    }
    return `filter(count(*), WHERE duration > ${formatNumber(`${label}[${i}]`, t)}) AS 'slow${i}'`
  }).join(', ')
}

/**
 * A single-quoted NRQL string literal. Backslash and quote are escaped with a
 * backslash (`O'Brien` -> `'O\'Brien'`); characters that no escaping makes safe
 * are refused.
 */
export function quoteString (label: string, value: unknown): string {
  if (typeof value !== 'string') throw new NrqlTemplateError(`${label} must be a string, got ${typeof value}`)
  if (value === '') throw new NrqlTemplateError(`${label} must not be empty`)
  if (value.length > MAX_STRING_LENGTH) throw new NrqlTemplateError(`${label} is longer than ${MAX_STRING_LENGTH} characters`)
  // The request schemas refuse the same characters (schemas/name-rule.ts): a name accepted is a name we can write.
  const unsafe = unsafeNameReason(value)
  if (unsafe !== undefined) throw new NrqlTemplateError(`${label} ${unsafe}`)
  if (LONE_SURROGATE.test(value)) throw new NrqlTemplateError(`${label} is not well-formed Unicode`)
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** `('a', 'b')`: a non-empty list of at most MAX_LIST_ITEMS quoted strings. */
export function quoteList (label: string, value: unknown): string {
  if (!Array.isArray(value)) throw new NrqlTemplateError(`${label} must be a list of strings`)
  if (value.length === 0) throw new NrqlTemplateError(`${label} must not be an empty list`)
  if (value.length > MAX_LIST_ITEMS) throw new NrqlTemplateError(`${label} has ${value.length} items, more than ${MAX_LIST_ITEMS}`)
  return `(${value.map((item, i) => quoteString(`${label}[${i}]`, item)).join(', ')})`
}

function formatInt (label: string, value: unknown, min: number): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new NrqlTemplateError(`${label} must be a safe integer, got ${String(value)}`)
  }
  if (value < min) throw new NrqlTemplateError(`${label} must be at least ${min}, got ${value}`)
  return String(value)
}

/**
 * A finite number in plain decimal notation: NRQL has no exponent syntax we can
 * rely on, so 1e-7 becomes 0.0000001. Magnitudes from 1e21 up cannot be written
 * without an exponent and are refused; below 1e-20 they round to 0.
 */
function formatNumber (label: string, value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new NrqlTemplateError(`${label} must be a finite number, got ${String(value)}`)
  }
  if (Math.abs(value) >= 1e21) throw new NrqlTemplateError(`${label} is too large: ${value}`)
  if (Object.is(value, -0)) return '0'
  const plain = String(value)
  if (!/e/i.test(plain)) return plain
  const fixed = value.toFixed(20).replace(/\.?0+$/, '')
  return fixed === '-0' ? '0' : fixed
}

function kindOf (key: string): PlaceholderKind {
  return (PLACEHOLDERS as Record<string, PlaceholderKind>)[key]
}

/** Names of the placeholders in a template, in order of first use. */
export function placeholdersOf (name: TemplateName): string[] {
  const template = loadTemplates().get(name)
  return template === undefined ? [] : [...template.placeholders]
}

/**
 * Reads every template once. Comment lines (`--`) are dropped and whitespace is
 * folded so the NRQL sent is one line; each placeholder must be declared.
 */
function loadTemplates (): Map<string, Template> {
  if (templates !== undefined) return templates
  const dir = queriesDir()
  const loaded = new Map<string, Template>()
  for (const file of readdirSync(dir).filter(f => f.endsWith('.nrql'))) {
    const name = file.slice(0, -'.nrql'.length)
    const text = readFileSync(join(dir, file), 'utf8')
      .split(/\r?\n/)
      .filter(line => !line.trim().startsWith('--'))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim()
    const placeholders = new Set<string>()
    for (const match of text.matchAll(PLACEHOLDER)) {
      if (!Object.hasOwn(PLACEHOLDERS, match[1])) throw new NrqlTemplateError(`${file} uses undeclared placeholder {{${match[1]}}}`)
      placeholders.add(match[1])
    }
    loaded.set(name, { text, placeholders })
  }
  for (const name of TEMPLATE_NAMES) {
    if (!loaded.has(name)) throw new NrqlTemplateError(`NRQL template ${name}.nrql is missing from ${dir}`)
  }
  templates = loaded
  return loaded
}

/**
 * The `queries` folder of the package. Walks up from this file to the folder that
 * has package.json and queries/, so it works from src/newrelic (tsx) and from
 * dist/src/newrelic (compiled) alike.
 */
export function queriesDir (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'queries'))) return join(dir, 'queries')
    const parent = dirname(dir)
    if (parent === dir) throw new NrqlTemplateError(`no queries/ folder next to a package.json above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}

import { Ajv, type ErrorObject } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'
import { NAME_PATTERN, unsafeNameReason } from '../schemas/name-rule.ts'

// ajv-formats ships CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

function makeAjv (coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({
    // Unknown fields are refused with a 400 rather than silently dropped.
    removeAdditional: false,
    useDefaults: true,
    coerceTypes,
    allErrors: false,
    // Errors carry their schema and data, so a union's message can follow its discriminator.
    verbose: true,
    strict: false
  })
  addFormats(ajv)
  return ajv
}

const strictAjv = makeAjv(false)
const coercingAjv = makeAjv('array')

/**
 * Bodies are validated as sent: `"apps": "RESTAPI"` or `"accountId": "12"` is a
 * caller's mistake to report, not to guess at. Query strings and path params
 * are text by nature, so they are coerced to the declared types.
 */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv
  return ajv.compile(schema)
}

/** One message naming the field the way a caller wrote it ("body.apps.0"). */
export function validationMessage (all: ErrorObject[], context: string, fallback: string): string {
  const unknownTag = unknownDiscriminator(all, context)
  if (unknownTag !== null) return unknownTag
  const errors = followDiscriminators(all)
  const chosen = pickError(errors)
  if (chosen === undefined) return fallback
  const path = chosen.instancePath.split('/').filter(Boolean).join('.')
  const where = path.length > 0 ? `${context}.${path}` : context
  const params = chosen.params as Record<string, unknown>
  if (chosen.keyword === 'additionalProperties') return `${where} has an unknown field "${String(params.additionalProperty)}"`
  if (chosen.keyword === 'required') return `${where} is missing the field "${String(params.missingProperty)}"`
  if (chosen.keyword === 'const' && Array.isArray(chosen.parentSchema?.enum) === false) {
    const options = errors.filter(e => e.keyword === 'const' && e.instancePath === chosen.instancePath)
      .map(e => JSON.stringify((e.params as { allowedValue?: unknown }).allowedValue))
    return `${where} must be one of ${options.join(', ')}`
  }
  if (chosen.keyword === 'pattern' && chosen.schema === NAME_PATTERN && typeof chosen.data === 'string') {
    // Names the character by code point: the raw U+2028 would break the caller's log line, as it broke NRQL.
    const reason = unsafeNameReason(chosen.data)
    if (reason !== undefined) return `${where} ${reason}`
  }
  if (chosen.keyword === 'pattern' && typeof chosen.data === 'string') {
    // A regex means nothing to a caller; the field's description says what is expected.
    const description = (chosen.parentSchema as { description?: unknown } | undefined)?.description
    const shown = chosen.data.length > 40 ? `${chosen.data.slice(0, 40)}...` : chosen.data
    return `${where} ${JSON.stringify(shown)} is not of the expected form` + (typeof description === 'string' ? ` (${description})` : '')
  }
  if (chosen.keyword === 'format' && params.format === 'date-time') {
    // Keeps the words tools match on, and says what the format is: a time without an offset was the usual slip.
    return `${where} must match format "date-time": an ISO-8601 time with an offset or Z, such as 2026-11-25T10:00:00+05:30`
  }
  if (chosen.keyword === 'minLength' && params.limit === 1) return `${where} must not be empty`
  return `${where} ${chosen.message ?? 'is invalid'}`
}

/** A tagged union's failure: its error, branches, tag name, and the branch the value's tag names (-1: none). */
interface TaggedUnion { error: ErrorObject, branches: unknown[], tag: string, index: number }

/** The unions among `errors` whose branches all pin one property with `const` (notify targets: `kind`). */
function taggedUnions (errors: ErrorObject[]): TaggedUnion[] {
  const out: TaggedUnion[] = []
  for (const error of errors.filter(e => e.keyword === 'anyOf' || e.keyword === 'oneOf')) {
    const branches = error.schema as unknown
    const data = error.data as unknown
    if (!Array.isArray(branches) || typeof data !== 'object' || data === null) continue
    const tag = discriminator(branches)
    if (tag === null) continue
    const value = (data as Record<string, unknown>)[tag]
    out.push({ error, branches, tag, index: branches.findIndex(b => constOf(b, tag) === value) })
  }
  return out
}

/**
 * In a tagged union only the branch the value's tag names can be what the caller meant, so
 * its errors are the ones to report ("missing the field secret" for a webhook), not the
 * other branches' ("kind must be slack").
 */
function followDiscriminators (errors: ErrorObject[]): ErrorObject[] {
  let out = errors
  for (const u of taggedUnions(errors)) {
    if (u.index < 0) continue
    const inBranch = `${u.error.schemaPath}/${u.index}/`
    out = out.filter(e => !e.schemaPath.startsWith(`${u.error.schemaPath}/`) || e.schemaPath.startsWith(inBranch))
  }
  return out
}

/** "body.notify.0.kind must be one of ..." when a tagged union's tag names no branch. */
function unknownDiscriminator (errors: ErrorObject[], context: string): string | null {
  const u = taggedUnions(errors).find(x => x.index < 0)
  if (u === undefined) return null
  const path = [...u.error.instancePath.split('/').filter(Boolean), u.tag].join('.')
  return `${context}.${path} must be one of ${u.branches.map(b => JSON.stringify(constOf(b, u.tag))).join(', ')}`
}

/** The property every branch pins with const, if any. */
function discriminator (branches: unknown[]): string | null {
  const first = branches[0] as { properties?: Record<string, unknown> } | undefined
  for (const name of Object.keys(first?.properties ?? {})) {
    if (branches.every(b => constOf(b, name) !== undefined)) return name
  }
  return null
}

function constOf (branch: unknown, name: string): unknown {
  const prop = (branch as { properties?: Record<string, { const?: unknown }> } | null)?.properties?.[name]
  return prop?.const
}

/**
 * With unions (an app is a name or an object) ajv reports every branch's
 * failure. The deepest, most specific one is what the caller got wrong:
 * for `{ name, tier }` that is the unknown "tier", not "must be string".
 */
function pickError (errors: ErrorObject[]): ErrorObject | undefined {
  const rank = (e: ErrorObject): number => {
    const depth = e.instancePath.split('/').length * 10
    const specific = e.keyword === 'anyOf' || e.keyword === 'oneOf' ? 0 : e.keyword === 'type' ? 1 : 2
    return depth + specific
  }
  let best: ErrorObject | undefined
  for (const e of errors) if (best === undefined || rank(e) > rank(best)) best = e
  return best
}

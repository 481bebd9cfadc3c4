import { Ajv, type ErrorObject } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'

// ajv-formats ships CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

function makeAjv (coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({
    // Unknown fields are refused with a 400 rather than silently dropped.
    removeAdditional: false,
    useDefaults: true,
    coerceTypes,
    allErrors: false,
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
export function validationMessage (errors: ErrorObject[], context: string, fallback: string): string {
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
  return `${where} ${chosen.message ?? 'is invalid'}`
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

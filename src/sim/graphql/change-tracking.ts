/**
 * The `changeTrackingCreateEvent` mutation (New Relic change tracking): validated
 * as New Relic documents it (standard category and type pairs unless the
 * ALLOW_CUSTOM_CATEGORY_OR_TYPE flag is set, a version for deployments, a
 * featureFlagId for feature flags, a timestamp within 24 hours, an entity search
 * that matches exactly one entity), recorded in memory, answered in its shape.
 */
import type { ChangeEvent, ChangeLog } from './change-log.ts'
import { gqlError } from './errors.ts'
import { EntitySearchError, entityOutline, searchApps } from './entity-search.ts'
import type { Field } from './parse.ts'
import type { Path, Resolver } from './resolver.ts'

/** New Relic's standard categories and their types (compared without case, `_` as a space). */
const STANDARD: Record<string, string[]> = {
  deployment: ['basic', 'blue green', 'canary', 'rolling', 'shadow'],
  'deployment lifecycle': ['artifact copy', 'artifact deletion', 'artifact deployment', 'artifact move', 'build deletion',
    'build promotion', 'build upload', 'image deletion', 'image promotion', 'image push', 'release bundle creation',
    'release bundle deletion', 'release bundle sign'],
  'feature flag': ['basic'],
  'business event': ['convention', 'marketing campaign', 'other'],
  operational: ['crash', 'other', 'scheduled maintenance period', 'server reboot']
}

/** Custom attribute names New Relic refuses (they clash with defaults or NRQL keywords). */
const RESTRICTED = new Set(['accountId', 'ago', 'and', 'appID', 'as', 'auto', 'begin', 'begintime', 'category', 'categoryType',
  'changeTrackingId', 'compare', 'customAttributes', 'customType', 'day', 'days', 'description', 'end', 'endtime', 'entity.domain',
  'entity.guid', 'entity.name', 'entity.type', 'entityGuid', 'entityName', 'explain', 'eventType', 'facet', 'from', 'fb.input',
  'groupId', 'hostname', 'hour', 'hours', 'in', 'is', 'like', 'limit', 'log', 'minute', 'minutes', 'month', 'months', 'not', 'null',
  'offset', 'or', 'plugin.type', 'raw', 'second', 'seconds', 'select', 'since', 'timeseries', 'timestamp', 'type', 'until', 'user',
  'week', 'weeks', 'where', 'with'])

const DAY_MS = 24 * 3_600_000

class InputError extends Error {}

const norm = (s: string): string => s.trim().toLowerCase().replace(/_/g, ' ').replace(/\s+/g, ' ')

function obj (v: unknown, what: string, required: boolean): Record<string, unknown> | null {
  if (v === undefined || v === null) {
    if (required) throw new InputError(`${what} is required`)
    return null
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw new InputError(`${what} must be an object`)
  return v as Record<string, unknown>
}

function str (o: Record<string, unknown> | null, key: string, what: string, required = false): string | null {
  const v = o?.[key]
  if (v === undefined || v === null) {
    if (required) throw new InputError(`${what} is required`)
    return null
  }
  if (typeof v !== 'string' || (required && v.trim() === '')) {
    throw new InputError(`${what} must be a${required ? ' non-empty' : ''} string`)
  }
  return v
}

/** Validates the mutation's arguments and returns the event to record. */
function buildEvent (r: Resolver, input: unknown, rules: unknown): ChangeEvent {
  const model = r.ctx.store.model
  const e = obj(input, 'changeTrackingEvent', true) as Record<string, unknown>
  const data = obj(e.categoryAndTypeData, 'changeTrackingEvent.categoryAndTypeData', true)
  const kind = obj(data?.kind, 'categoryAndTypeData.kind', true)
  const category = str(kind, 'category', 'categoryAndTypeData.kind.category', true) as string
  const type = str(kind, 'type', 'categoryAndTypeData.kind.type', true) as string
  const flags = obj(rules, 'dataHandlingRules', false)?.validationFlags
  const allowCustom = (Array.isArray(flags) ? flags : [flags]).includes('ALLOW_CUSTOM_CATEGORY_OR_TYPE')
  const types = STANDARD[norm(category)]
  if (!allowCustom && (types === undefined || !types.includes(norm(type)))) {
    throw new InputError(`'${category}' / '${type}' is not a standard category and type; ` +
      'set dataHandlingRules.validationFlags to ALLOW_CUSTOM_CATEGORY_OR_TYPE for custom ones')
  }
  const fields = obj(data?.categoryFields, 'categoryAndTypeData.categoryFields', false)
  const deployment = obj(fields?.deployment, 'categoryFields.deployment', false)
  const featureFlag = obj(fields?.featureFlag, 'categoryFields.featureFlag', false)
  const isDeployment = norm(category) === 'deployment'
  const isFlag = norm(category) === 'feature flag'
  if (isDeployment) str(deployment, 'version', 'categoryFields.deployment.version (required for a Deployment)', true)
  if (isFlag) str(featureFlag, 'featureFlagId', 'categoryFields.featureFlag.featureFlagId (required for a Feature Flag)', true)

  const query = str(obj(e.entitySearch, 'changeTrackingEvent.entitySearch', true), 'query', 'entitySearch.query', true) as string
  let apps
  try {
    apps = searchApps(model, query)
  } catch (err) {
    if (err instanceof EntitySearchError) throw new InputError(err.message)
    throw err
  }
  if (apps.length !== 1) throw new InputError(`entitySearch.query must match exactly one entity; '${query}' matches ${apps.length}`)

  const now = r.ctx.now
  const ts = e.timestamp ?? now
  if (typeof ts !== 'number' || !Number.isInteger(ts)) throw new InputError('timestamp must be epoch milliseconds')
  if (Math.abs(ts - now) > DAY_MS) throw new InputError('timestamp must be within 24 hours of the current time')
  const custom = obj(e.customAttributes, 'customAttributes', false)
  for (const [k, v] of Object.entries(custom ?? {})) {
    if (RESTRICTED.has(k)) throw new InputError(`customAttributes.${k} is a restricted attribute name`)
    if (!['string', 'number', 'boolean'].includes(typeof v)) {
      throw new InputError(`customAttributes.${k} must be a string, a number or a boolean`)
    }
  }
  const event: ChangeEvent = {
    __typename: isDeployment ? 'ChangeTrackingDeploymentEvent' : isFlag ? 'ChangeTrackingFeatureFlagEvent' : 'ChangeTrackingGenericEvent',
    changeTrackingId: (r.ctx.changes as ChangeLog).nextId(model.seed),
    category,
    type,
    categoryAndType: `${category}.${type}`,
    timestamp: ts,
    entity: entityOutline(model, apps[0]),
    description: str(e, 'description', 'description'),
    shortDescription: str(e, 'shortDescription', 'shortDescription'),
    groupId: str(e, 'groupId', 'groupId'),
    user: str(e, 'user', 'user'),
    customAttributes: custom
  }
  if (isDeployment) {
    for (const k of ['version', 'changelog', 'commit', 'deepLink']) event[k] = str(deployment, k, `categoryFields.deployment.${k}`)
  }
  if (isFlag) event.featureFlagId = str(featureFlag, 'featureFlagId', 'categoryFields.featureFlag.featureFlagId')
  return event
}

/** `changeTrackingCreateEvent(changeTrackingEvent, dataHandlingRules) { changeTrackingEvent {...} messages }`. */
export function resolveChangeTrackingCreateEvent (r: Resolver, f: Field, path: Path): unknown {
  const log = r.ctx.changes
  if (log === undefined) {
    r.errors.push(gqlError('Change tracking is not available', 'INVALID_INPUT', path, f.loc))
    return null
  }
  let event: ChangeEvent
  try {
    event = buildEvent(r, r.value(f.args.changeTrackingEvent), r.value(f.args.dataHandlingRules))
  } catch (err) {
    if (!(err instanceof InputError)) throw err
    r.errors.push(gqlError(`Invalid change tracking event: ${err.message}`, 'INVALID_INPUT', path, f.loc))
    return null
  }
  log.events.push(event)
  r.ctx.onChangeEvent?.()
  return r.plain(f, { __typename: 'ChangeTrackingCreateEventResponse', changeTrackingEvent: event, messages: [] }, path)
}

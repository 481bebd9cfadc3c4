import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { ConfigError } from './errors.ts'

const Int = (min: number, max: number, def: number, description: string) =>
  Type.Integer({ minimum: min, maximum: max, default: def, description })

/**
 * The environment, declared once: validation, defaults, the Config type and the
 * README's configuration table all come from this schema.
 */
export const EnvSchema = Type.Object({
  NEW_RELIC_API_KEY: Type.Optional(Type.String({
    minLength: 1, description: 'User API key (NRAK-...) for NerdGraph. Required unless GONOGO_SIM_SCENARIO is set.'
  })),
  NEW_RELIC_ACCOUNT_ID: Type.Optional(Type.Integer({
    minimum: 1, description: 'Default account id for analyses and rollouts that do not name one.'
  })),
  NEW_RELIC_REGION: Type.Union([Type.Literal('us'), Type.Literal('eu')], { default: 'us', description: 'NerdGraph region: us or eu.' }),
  NERDGRAPH_URL: Type.Optional(Type.String({
    pattern: '^https?://\\S+$', description: 'NerdGraph endpoint; overrides the region (e.g. a simulator).'
  })),
  NERDGRAPH_CONCURRENCY: Int(1, 25, 5, 'Concurrent NerdGraph requests (New Relic allows 25 per user).'),
  NERDGRAPH_TIMEOUT_MS: Int(1000, 600000, 30000, 'Timeout of one NerdGraph request, ms.'),
  GONOGO_ANALYSIS_TIMEOUT_MS: Int(1000, 600000, 55000, 'Longest POST /v1/analyses may take before answering 504 ' +
    '(under the 60 s of common proxies); rollout checkpoints are not bound by it.'),
  NERDGRAPH_MAX_RETRIES: Int(0, 10, 4, 'Retries of a NerdGraph request on 429, 5xx, timeouts and network errors.'),
  NERDGRAPH_QUERIES_PER_REQUEST: Int(1, 60, 5, 'Aliased NRQL queries in one NerdGraph request ' +
    '(New Relic advises about 5 concurrent complex ' +
    'queries); the NRQL timeout is NERDGRAPH_TIMEOUT_MS less 2 s, shared by each 5 of them.'),
  NERDGRAPH_ASYNC_AFTER_HOURS: Int(0, 24 * 31, 4, 'Queries over a window longer than this many hours run asynchronously ' +
    '(async: true, polled with nrqlQueryProgress); 0: never.'),
  NERDGRAPH_SHARED_BUDGET: Type.Union([Type.Literal('true'), Type.Literal('false')], {
    default: 'true',
    description: 'true: every gonogo process on this Redis (and GONOGO_REDIS_PREFIX) shares one budget of NEW_RELIC_MAX_CONCURRENT ' +
      'requests per API key and NEW_RELIC_NRQL_PER_MINUTE queries per account; false: each process keeps to NERDGRAPH_CONCURRENCY alone.'
  }),
  NEW_RELIC_MAX_CONCURRENT: Int(1, 25, 20, 'NerdGraph requests in flight per API key across every gonogo process (New Relic allows ' +
    '25 per user; leave room for people using the same key).'),
  NEW_RELIC_NRQL_PER_MINUTE: Int(1, 100000, 2500, 'NRQL queries per minute per account across every gonogo process (New Relic ' +
    'allows 3,000 per account, shared with dashboards and alerts).'),
  GONOGO_TEAM_TAGS: Type.String({
    default: 'team',
    minLength: 1,
    description: 'Comma-separated APM entity tag keys whose first ' +
    'value is an app\'s team when the rollout does not give one (read with NerdGraph entitySearch at creation).'
  }),
  GONOGO_OWNER_TAGS: Type.String({
    default: 'owner,owners',
    minLength: 1,
    description: 'Comma-separated APM entity tag keys whose ' +
    'values are an app\'s owners when the rollout does not give them.'
  }),
  REDIS_URL: Type.String({
    default: 'redis://127.0.0.1:6379',
    pattern: '^rediss?://',
    description: 'Redis for queues and state (AOF on, maxmemory-policy noeviction).'
  }),
  REDIS_CLUSTER_NODES: Type.Optional(Type.String({
    minLength: 1,
    description: 'Comma-separated host:port of some Redis Cluster masters: run on that cluster (REDIS_URL then only gives the ' +
      'user, password and TLS, rediss://).'
  })),
  REDIS_SENTINELS: Type.Optional(Type.String({
    minLength: 1,
    description: 'Comma-separated host:port of Redis Sentinels: use the master they name REDIS_SENTINEL_NAME (REDIS_URL then only ' +
      'gives the master\'s user, password and TLS).'
  })),
  REDIS_SENTINEL_NAME: Type.Optional(Type.String({ minLength: 1, description: 'The master\'s name in Sentinel (with REDIS_SENTINELS).' })),
  REDIS_SENTINEL_PASSWORD: Type.Optional(Type.String({
    minLength: 1, description: 'Password of the Sentinels themselves, if they need one.'
  })),
  GONOGO_REDIS_COMMAND_TIMEOUT_MS: Int(100, 600000, 10000, 'How long a state or queue command may wait for Redis before it ' +
    'fails (an API request then answers 503 and a checkpoint retries) rather than hang while Redis does not answer. Not for ' +
    'blocking connections (workers, the event subscriber), which wait by design.'),
  GONOGO_REDIS_PREFIX: Type.String({
    default: 'gonogo',
    pattern: '^[A-Za-z0-9_.:{}-]{1,64}$',
    description: 'Prefix of every Redis key and queue. A {tag} in it puts every key in that one cluster slot; without one, ' +
      'BullMQ\'s keys go under {<prefix>} and each rollout\'s keys under its own {<id>}.'
  }),
  PORT: Int(0, 65535, 3000, 'HTTP port.'),
  HOST: Type.String({ default: '127.0.0.1', minLength: 1, description: 'HTTP bind address (0.0.0.0 in containers).' }),
  GONOGO_ROLE: Type.Union([Type.Literal('all'), Type.Literal('api'), Type.Literal('worker')], {
    default: 'all', description: 'all: API and workers; api or worker to run them apart.'
  }),
  GONOGO_API_TOKENS: Type.Optional(Type.String({
    minLength: 1,
    description: 'Comma-separated bearer tokens, each name:token (a bare token is named token-1, token-2... by its position); ' +
      'when set every mutating request needs one, and what it does is recorded under the token\'s name.'
  })),
  GONOGO_READ_TOKENS_REQUIRED: Type.Union([Type.Literal('true'), Type.Literal('false')], {
    default: 'false',
    description: 'true: every route but /healthz and /readyz needs a token from GONOGO_API_TOKENS, reads and /metrics included.'
  }),
  GONOGO_METRICS_TOKEN: Type.Optional(Type.String({
    minLength: 16,
    pattern: '^\\S+$',
    description: 'When set, GET /metrics needs Authorization: Bearer <this token> (and no API token: give it to Prometheus alone); ' +
      'at least 16 characters, no spaces. Unset: /metrics is open unless GONOGO_READ_TOKENS_REQUIRED=true.'
  })),
  GONOGO_CORS_ORIGINS: Type.String({
    default: '*',
    description: 'Comma-separated origins a browser dashboard may call the API from; * for any ' +
      '(no cookies are used: mutations still need a bearer token when tokens are set); none to send no CORS headers.'
  }),
  GONOGO_PUBLIC_URL: Type.Optional(Type.String({
    pattern: '^https?://', description: 'Base URL of this service, for links in chat messages.'
  })),
  GONOGO_MAX_APPS: Int(1, 5000, 200, 'Most apps in one analysis or rollout.'),
  GONOGO_MAX_HOSTS: Int(1, 5000, 200, 'Most canary or baseline hosts in one analysis or rollout.'),
  GONOGO_MAX_WINDOW_HOURS: Int(1, 24 * 31, 72, 'Longest analysis or rollout window, hours.'),
  GONOGO_RATE_LIMIT: Int(1, 1000000, 600, 'Requests per minute per client IP, counted in Redis and shared by every API ' +
    'process on it (and GONOGO_REDIS_PREFIX); every route but /healthz and /readyz.'),
  GONOGO_BODY_LIMIT: Int(1024, 10485760, 262144, 'Largest request body, bytes.'),
  GONOGO_WEBHOOK_ALLOW_HOSTS: Type.Optional(Type.String({
    description: 'Comma-separated hosts that notify targets may use over http or on private addresses (e.g. 127.0.0.1 for tests).'
  })),
  GONOGO_NOTIFY_DEFAULT: Type.Optional(Type.String({
    description: 'A default notify target as JSON, e.g. {"kind":"slack","url":"https://hooks.slack.com/..."}.'
  })),
  // Rollouts (src/jobs, src/routes/rollouts).
  GONOGO_MIN_CHECKPOINT_SECONDS: Int(1, 86400, 60, 'Shortest checkpointEvery a rollout may ask for, seconds.'),
  GONOGO_MAX_CHECKPOINTS: Int(1, 100000, 1000, 'Most checkpoints in one rollout plan (window / checkpointEvery).'),
  GONOGO_WORKER_CONCURRENCY: Int(1, 64, 4, 'Rollout jobs one worker process runs at once.'),
  GONOGO_CHECKPOINT_ATTEMPTS: Int(1, 20, 4, 'Tries of a checkpoint whose New Relic data cannot be read before it is recorded as failed.'),
  GONOGO_CHECKPOINT_BACKOFF_MS: Int(0, 3600000, 30000,
    'Wait before the first retry of a failed checkpoint; doubles on each further retry.'),
  GONOGO_CHECKPOINT_LAG_SECONDS: Int(0, 3600, 60,
    'How long after its time a checkpoint runs, so New Relic has ingested the data up to it.'),
  GONOGO_OVERDUE_GRACE_SECONDS: Int(0, 3600, 30, 'How long past its time plus GONOGO_CHECKPOINT_LAG_SECONDS a checkpoint may go ' +
    'unrecorded before the rollout is overdue (the gate closes, checkpoint.overdue is sent); with the default lag that is 90 s ' +
    'after the checkpoint time, 30 s after it was due to run.'),
  GONOGO_CHECKPOINT_READ: Type.Union([Type.Literal('incremental'), Type.Literal('full')], {
    default: 'incremental',
    description: 'How a rollout checkpoint reads New Relic: incremental (what is new since the last one, merged into the state the ' +
      'evidence carries) or full (the whole window again, as a check).'
  }),
  GONOGO_MANUAL_WAIT_MS: Int(0, 120000, 10000, 'How long POST /v1/rollouts/{id}/checkpoints waits for the result before answering 202.'),
  GONOGO_RETENTION_DAYS: Int(0, 36500, 90,
    'Rollouts decided or cancelled more than this many days ago are deleted with their checkpoints; 0 keeps them forever.'),
  GONOGO_PREFLIGHT_MS: Int(0, 60000, 5000, 'How long creating a rollout may spend checking its app and host names against New Relic ' +
    '(findings come back as warnings); 0 skips the check.'),
  GONOGO_NOTIFY_ATTEMPTS: Int(1, 50, 8, 'Tries of one chat or webhook delivery before it is recorded as failed on the rollout.'),
  GONOGO_NOTIFY_BACKOFF_MS: Int(0, 3600000, 30000,
    'Wait before the first retry of a delivery; doubles on each retry (capped at 30 min), Retry-After wins.'),
  GONOGO_NOTIFY_TIMEOUT_MS: Int(100, 120000, 10000, 'Timeout of one delivery attempt, ms.'),
  GONOGO_DEMO: Type.Union([Type.Literal('true'), Type.Literal('false')], {
    default: 'false',
    description: 'true (npm run demo): at start, create the README\'s rollout (decided by catch-up) and a live one on the live ' +
      'scenario\'s account with a checkpoint every 5 minutes, so the board shows something at once.'
  }),
  GONOGO_SIM_SCENARIO: Type.Optional(Type.String({
    minLength: 1,
    description: 'Run an embedded NerdGraph simulator on this scenario file (or several, comma-separated, each with its own account; ' +
      'the first is the default) instead of New Relic (demo, trials).'
  })),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map(l => Type.Literal(l)), {
    default: 'info', description: 'pino log level.'
  })
})
export type Env = Static<typeof EnvSchema>

/** One bearer token of GONOGO_API_TOKENS and the name what it does is recorded under. */
export interface ApiToken { name: string, token: string }

/** One Redis node or Sentinel. */
export interface HostPort { host: string, port: number }

/**
 * Where Redis is: one server (REDIS_URL), a Redis Cluster (REDIS_CLUSTER_NODES) or the master
 * Sentinels name (REDIS_SENTINELS). `url` gives the credentials and TLS in every case.
 */
export type RedisTarget = (
  | { kind: 'single', url: string }
  | { kind: 'cluster', url: string, nodes: HostPort[] }
  | { kind: 'sentinel', url: string, sentinels: HostPort[], name: string, sentinelPassword?: string }
) & {
  /** GONOGO_REDIS_COMMAND_TIMEOUT_MS, for the connections that must not wait for ever; none when absent. */
  commandTimeoutMs?: number
}

export interface Config extends Env {
  redis: RedisTarget
  nerdgraphUrl: string
  apiTokens: ApiToken[]
  /** GONOGO_READ_TOKENS_REQUIRED=true. */
  readTokensRequired: boolean
  corsOrigins: string[]
  webhookAllowHosts: string[]
}

/**
 * Reads `path` (default `.env` in the working directory) into `process.env` with Node's
 * process.loadEnvFile, when the file exists; returns whether it did. The real environment
 * wins over the file: a variable already set (even to '') keeps its value. loadEnvFile
 * already behaves so; the values are put back after it anyway, so no Node version or
 * later change can let a file override what an operator exported.
 */
export function loadDotEnv (path = '.env'): boolean {
  const real = new Map(Object.entries(process.env))
  try {
    process.loadEnvFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw new ConfigError([`${path} could not be read: ${(err as Error).message}`])
  }
  for (const [key, value] of real) if (process.env[key] !== value) process.env[key] = value
  return true
}

const SECRETS = new Set(['NEW_RELIC_API_KEY', 'GONOGO_API_TOKENS', 'GONOGO_METRICS_TOKEN'])

const NUMERIC = new Set(Object.entries(EnvSchema.properties)
  .filter(([, s]) => (s as { type?: string }).type === 'integer').map(([k]) => k))

/**
 * Reads and validates the environment. Every bad variable is reported, each on
 * its own line, in one ConfigError so a operator fixes them all in one go.
 */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {}
  const problems: string[] = []
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    if (value === undefined || value === '') continue
    if (NUMERIC.has(key)) {
      const n = Number(value)
      if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
        problems.push(`${key} must be an integer, got ${JSON.stringify(value)}`)
        continue
      }
      raw[key] = n
    } else {
      raw[key] = value
    }
  }
  const withDefaults = Value.Default(EnvSchema, raw) as Env
  for (const error of Value.Errors(EnvSchema, withDefaults)) {
    const key = error.path.replace(/^\//, '')
    if (problems.some(p => p.startsWith(key + ' '))) continue
    // A secret is never quoted back: the message goes to logs and terminals.
    const got = SECRETS.has(key) ? `got ${String(error.value).length} characters` : `got ${JSON.stringify(error.value)}`
    const rule = key === 'GONOGO_METRICS_TOKEN' ? 'must be 16 or more characters with no space' : describe(error.schema, error.message)
    problems.push(`${key} ${rule}, ${got}`)
  }
  if (withDefaults.NEW_RELIC_API_KEY === undefined && withDefaults.GONOGO_SIM_SCENARIO === undefined) {
    problems.push('NEW_RELIC_API_KEY is required (or set GONOGO_SIM_SCENARIO to run on the embedded simulator)')
  }
  if (withDefaults.GONOGO_NOTIFY_DEFAULT !== undefined) {
    try {
      JSON.parse(withDefaults.GONOGO_NOTIFY_DEFAULT)
    } catch {
      problems.push('GONOGO_NOTIFY_DEFAULT must be a JSON object like {"kind":"slack","url":"https://..."}')
    }
  }
  const list = (s?: string) => (s ?? '').split(',').map(x => x.trim()).filter(x => x.length > 0)
  const apiTokens = parseTokens(list(withDefaults.GONOGO_API_TOKENS), problems)
  const readTokensRequired = withDefaults.GONOGO_READ_TOKENS_REQUIRED === 'true'
  if (withDefaults.GONOGO_API_TOKENS !== undefined && list(withDefaults.GONOGO_API_TOKENS).length === 0) {
    // Else a stray ", " would turn authentication off without a word.
    problems.push('GONOGO_API_TOKENS is set but holds no token (leave it unset for no authentication)')
  } else if (readTokensRequired && withDefaults.GONOGO_API_TOKENS === undefined) {
    problems.push('GONOGO_READ_TOKENS_REQUIRED=true needs GONOGO_API_TOKENS: with no token nobody could read')
  }
  const redis = { ...redisTarget(withDefaults, problems), commandTimeoutMs: withDefaults.GONOGO_REDIS_COMMAND_TIMEOUT_MS }
  if (problems.length > 0) throw new ConfigError(problems)

  return {
    ...withDefaults,
    redis,
    nerdgraphUrl: withDefaults.NERDGRAPH_URL ??
      (withDefaults.NEW_RELIC_REGION === 'eu' ? 'https://api.eu.newrelic.com/graphql' : 'https://api.newrelic.com/graphql'),
    apiTokens,
    readTokensRequired,
    corsOrigins: withDefaults.GONOGO_CORS_ORIGINS.trim().toLowerCase() === 'none' ? [] : list(withDefaults.GONOGO_CORS_ORIGINS),
    webhookAllowHosts: list(withDefaults.GONOGO_WEBHOOK_ALLOW_HOSTS).map(h => h.toLowerCase())
  }
}

/** REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS, checked against each other. */
function redisTarget (env: Env, problems: string[]): RedisTarget {
  const url = env.REDIS_URL
  const prefix = env.GONOGO_REDIS_PREFIX
  if (/[{}]/.test(prefix) && !/^[^{}]*\{[^{}]+\}[^{}]*$/.test(prefix)) {
    problems.push(`GONOGO_REDIS_PREFIX may hold one {tag} (a Redis Cluster hash tag) and no other braces, got ${JSON.stringify(prefix)}`)
  }
  if (env.REDIS_CLUSTER_NODES !== undefined && env.REDIS_SENTINELS !== undefined) {
    problems.push('REDIS_CLUSTER_NODES and REDIS_SENTINELS are both set: Redis is either a cluster or a Sentinel-watched master')
    return { kind: 'single', url }
  }
  if (env.REDIS_CLUSTER_NODES !== undefined) {
    const nodes = hostPorts('REDIS_CLUSTER_NODES', env.REDIS_CLUSTER_NODES, problems)
    if (/^rediss?:\/\/[^/]*\/([1-9]\d*)/.test(url)) problems.push('REDIS_URL names a database other than 0, which a Redis Cluster does not have')
    return { kind: 'cluster', url, nodes }
  }
  if (env.REDIS_SENTINELS !== undefined) {
    const sentinels = hostPorts('REDIS_SENTINELS', env.REDIS_SENTINELS, problems)
    if (env.REDIS_SENTINEL_NAME === undefined) {
      problems.push('REDIS_SENTINELS needs REDIS_SENTINEL_NAME, the name of the master the Sentinels watch')
    }
    return {
      kind: 'sentinel',
      url,
      sentinels,
      name: env.REDIS_SENTINEL_NAME ?? '',
      ...(env.REDIS_SENTINEL_PASSWORD === undefined ? {} : { sentinelPassword: env.REDIS_SENTINEL_PASSWORD })
    }
  }
  if (env.REDIS_SENTINEL_NAME !== undefined) problems.push('REDIS_SENTINEL_NAME is set without REDIS_SENTINELS')
  return { kind: 'single', url }
}

/** "host:port,host:port" ("[::1]:6379" for IPv6); problems name the variable and the entry. */
function hostPorts (name: string, value: string, problems: string[]): HostPort[] {
  const out: HostPort[] = []
  for (const [i, entry] of value.split(',').map(x => x.trim()).filter(x => x.length > 0).entries()) {
    const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(entry)
    const port = m === null ? NaN : Number(m[2])
    if (m === null || port < 1 || port > 65535) {
      problems.push(`${name} entry ${i + 1} must be host:port with a port of 1-65535, got ${JSON.stringify(entry)}`)
      continue
    }
    out.push({ host: m[1].replace(/^\[|\]$/g, ''), port })
  }
  if (out.length === 0 && !problems.some(p => p.startsWith(name))) problems.push(`${name} holds no host:port`)
  return out
}

/** What a token's name may be: it shows in rollouts, chat messages and logs. */
const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/

/**
 * GONOGO_API_TOKENS entries: `name:token` (split at the first colon), or a bare token named
 * `token-<position>`. Problems name the entry by position and never quote a token.
 */
function parseTokens (entries: string[], problems: string[]): ApiToken[] {
  const tokens: ApiToken[] = []
  const names = new Map<string, number>()
  const seen = new Map<string, number>()
  for (const [i, entry] of entries.entries()) {
    const at = `GONOGO_API_TOKENS entry ${i + 1}`
    const colon = entry.indexOf(':')
    const name = colon < 0 ? `token-${i + 1}` : entry.slice(0, colon).trim()
    const token = colon < 0 ? entry : entry.slice(colon + 1).trim()
    if (!TOKEN_NAME.test(name)) {
      problems.push(`${at} has the name ${JSON.stringify(name.slice(0, 64))}: a name is 1-64 letters, digits and . _ @ - (name:token)`)
      continue
    }
    if (token.length === 0) { problems.push(`${at} (${name}) has no token after the colon`); continue }
    const sameName = names.get(name)
    if (sameName !== undefined) { problems.push(`${at} repeats the name ${name} of entry ${sameName}`); continue }
    const sameToken = seen.get(token)
    if (sameToken !== undefined) {
      problems.push(`${at} (${name}) has the same token as entry ${sameToken}: a token names one caller`)
      continue
    }
    names.set(name, i + 1)
    seen.set(token, i + 1)
    tokens.push({ name, token })
  }
  return tokens
}

function describe (
  schema: { description?: string, minimum?: number, maximum?: number, anyOf?: Array<{ const?: unknown }> }, fallback: string
): string {
  if (schema.anyOf !== undefined) return `must be one of ${schema.anyOf.map(s => String(s.const)).join(', ')}`
  if (schema.minimum !== undefined && schema.maximum !== undefined) return `must be between ${schema.minimum} and ${schema.maximum}`
  return fallback.toLowerCase()
}

/**
 * `npm run sim -- --scenario FILE [--port N] [--api-key KEY] [fault flags]`.
 * The first line on stdout is the GraphQL URL, so scripts can read it; every
 * other message goes to stderr.
 */
import { parseArgs } from 'node:util'
import { FaultsError, parseFaults } from './faults.ts'
import type { FaultOutcome, Faults } from './faults.ts'
import { LimitsError, parseLimits } from './limits.ts'
import type { Limits } from './limits.ts'
import { ScenarioError } from './scenario.ts'
import { startSimulator } from './server.ts'

const USAGE = `usage: npm run sim -- --scenario FILE [--port N] [--host H] [--api-key KEY]
  [--latency-ms N] [--rate-429 X] [--rate-500 X] [--rate-503 X] [--rate-timeout X]
  [--rate-hang X] [--retry-after S] [--script ok,429,500,503,timeout,hang]
  [--max-concurrent N] [--max-nrql-per-minute N] [--cost-per-million-events-ms MS]
  [--cost-per-query-ms MS] [--limit-retry-after S]`

const HELP = `${USAGE}

  --scenario FILE       scenario file (JSON or YAML; docs/scenario-format.md)
  --port N              0 or absent: a free port; the URL is the first stdout line
  --api-key KEY         the only key accepted (absent: any non-empty key)
 Faults (also PUT /admin/faults):
  --latency-ms N        extra latency per /graphql request
  --rate-429 X ...      share of requests answered 429 / 500 / 503 / NRQL TIMEOUT / never
  --retry-after S       Retry-After of an injected 429 (default 1)
  --script LIST         exact outcomes of the next requests, then the rates
 New Relic's limits (also PUT /admin/limits; all off by default):
  --max-concurrent N              requests of one API key in flight at once; beyond: HTTP 429
                                  with Retry-After (New Relic: 25)
  --max-nrql-per-minute N         NRQL queries per account in any 60 s (each aliased nrql field
                                  counts one); beyond: that field errors TOO_MANY_REQUESTS (New Relic: 3000)
  --cost-per-million-events-ms MS simulated query duration per million events scanned: the answer
                                  waits for it, past the nrql timeout it is TIMEOUT, past the async
                                  wait an async query answers queryProgress
  --cost-per-query-ms MS          simulated duration added to every NRQL query
  --limit-retry-after S           Retry-After of a concurrency 429 (default 1)`

const NUMBER_FLAGS: Record<string, keyof Faults> = {
  'latency-ms': 'latencyMs',
  'rate-429': 'rate429',
  'rate-500': 'rate500',
  'rate-503': 'rate503',
  'rate-timeout': 'rateNrqlTimeout',
  'rate-hang': 'rateHang',
  'retry-after': 'retryAfterSeconds'
}

const LIMIT_FLAGS: Record<string, keyof Limits> = {
  'max-concurrent': 'maxConcurrent',
  'max-nrql-per-minute': 'maxNrqlPerMinute',
  'cost-per-million-events-ms': 'costPerMillionEventsMs',
  'cost-per-query-ms': 'costPerQueryMs',
  'limit-retry-after': 'retryAfterSeconds'
}

class UsageError extends Error {}

function numberFlag (name: string, text: string): number {
  const n = Number(text)
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${text}'`)
  return n
}

function parse (argv: string[]): Parameters<typeof startSimulator>[0] {
  const options = Object.fromEntries([
    ['scenario', { type: 'string' }], ['port', { type: 'string' }], ['host', { type: 'string' }],
    ['api-key', { type: 'string' }], ['script', { type: 'string' }], ['help', { type: 'boolean' }],
    ...[...Object.keys(NUMBER_FLAGS), ...Object.keys(LIMIT_FLAGS)].map(k => [k, { type: 'string' }])
  ]) as Record<string, { type: 'string' | 'boolean' }>
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (values.help === true) {
    process.stdout.write(HELP + '\n')
    process.exit(0)
  }
  if (typeof values.scenario !== 'string') throw new UsageError('--scenario FILE is required')
  const faults: Record<string, unknown> = {}
  for (const [flag, key] of Object.entries(NUMBER_FLAGS)) {
    const v = values[flag]
    if (typeof v === 'string') faults[key] = numberFlag(flag, v)
  }
  if (typeof values.script === 'string') faults.script = values.script.split(',').map(s => s.trim() as FaultOutcome)
  const limits: Record<string, unknown> = {}
  for (const [flag, key] of Object.entries(LIMIT_FLAGS)) {
    const v = values[flag]
    if (typeof v === 'string') limits[key] = numberFlag(flag, v)
  }
  let port = 0
  if (typeof values.port === 'string') {
    port = numberFlag('port', values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0-65535, got '${values.port}'`)
  }
  return {
    scenario: values.scenario,
    port,
    host: typeof values.host === 'string' ? values.host : undefined,
    apiKey: typeof values['api-key'] === 'string' ? values['api-key'] : undefined,
    faults: parseFaults(faults),
    limits: parseLimitFlags(limits),
    warm: true
  }
}

/** Limit flags name themselves in errors (--max-concurrent, not maxConcurrent). */
function parseLimitFlags (limits: Record<string, unknown>): Limits {
  try {
    return parseLimits(limits)
  } catch (err) {
    if (!(err instanceof LimitsError)) throw err
    const flag = Object.entries(LIMIT_FLAGS).find(([, key]) => err.message.startsWith(key))?.[0]
    throw new UsageError(flag === undefined ? err.message : err.message.replace(/^\S+/, `--${flag}`))
  }
}

async function main (): Promise<void> {
  let opts: Parameters<typeof startSimulator>[0]
  try {
    opts = parse(process.argv.slice(2))
  } catch (err) {
    if (err instanceof UsageError || err instanceof FaultsError || err instanceof LimitsError) {
      process.stderr.write(`sim: ${err.message}\n${USAGE}\n(npm run sim -- --help describes the flags)\n`)
      process.exit(2)
    }
    throw err
  }
  let sim
  try {
    sim = await startSimulator(opts)
  } catch (err) {
    if (err instanceof ScenarioError) {
      process.stderr.write(`sim: invalid scenario ${String(opts.scenario)}: ${err.message}\n`)
      process.exit(1)
    }
    process.stderr.write(`sim: cannot start: ${(err as Error).message}\n`)
    process.exit(1)
  }
  process.stdout.write(`${sim.url}\n`)
  const admin = `${sim.baseUrl}/admin/faults, /admin/limits, /admin/stats`
  process.stderr.write(`sim: serving scenario ${String(opts.scenario)} at ${sim.url} (admin at ${admin})\n`)
  const stop = (signal: string): void => {
    process.stderr.write(`sim: ${signal}, closing\n`)
    sim.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
}

await main()

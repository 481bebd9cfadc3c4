/**
 * A gonogo process (API, checkpoint worker and notifier) for tests that kill it: a child the
 * test spawns with `spawnWorker` and SIGKILLs. Configured through the environment: REDIS_URL,
 * GONOGO_REDIS_PREFIX, SIM_URL (a NerdGraph simulator), GONOGO_ROLE and any other GONOGO_*. Prints its address.
 */
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { SIM_KEY } from './app.ts'

const env = process.env
const app = await buildApp({
  config: loadConfig({
    NEW_RELIC_API_KEY: SIM_KEY,
    NEW_RELIC_ACCOUNT_ID: '3300001',
    GONOGO_CHECKPOINT_LAG_SECONDS: '0',
    GONOGO_CHECKPOINT_BACKOFF_MS: '50',
    GONOGO_MIN_CHECKPOINT_SECONDS: '1',
    GONOGO_PREFLIGHT_MS: '0',
    NERDGRAPH_MAX_RETRIES: '0',
    GONOGO_RATE_LIMIT: '100000',
    GONOGO_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    GONOGO_NOTIFY_BACKOFF_MS: '50',
    GONOGO_NOTIFY_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'silent',
    REDIS_URL: env.REDIS_URL ?? '',
    GONOGO_REDIS_PREFIX: env.GONOGO_REDIS_PREFIX ?? '',
    GONOGO_ROLE: env.GONOGO_ROLE ?? 'all',
    // Any other GONOGO_* the test sets (GONOGO_OVERDUE_GRACE_SECONDS, say): without this a test's
    // setting never reached the child, and outbox-crash's overdue guard did nothing.
    ...Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('GONOGO_') && e[1] !== undefined))
  }),
  logger: false,
  nerdgraph: { url: env.SIM_URL ?? '', apiKey: SIM_KEY }
})
const address = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${JSON.stringify({ address })}\n`)
process.once('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })

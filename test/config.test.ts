import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { EnvSchema, loadConfig, loadDotEnv } from '../src/config.ts'
import { ConfigError } from '../src/errors.ts'

t.test('defaults fill what is not set', async (t) => {
  const config = loadConfig({ NEW_RELIC_API_KEY: 'NRAK-x' })
  t.equal(config.PORT, 3000)
  t.equal(config.REDIS_URL, 'redis://127.0.0.1:6379')
  t.equal(config.nerdgraphUrl, 'https://api.newrelic.com/graphql')
  t.same(config.apiTokens, [])
})

t.test('region and explicit URL pick the endpoint', async (t) => {
  t.equal(loadConfig({ NEW_RELIC_API_KEY: 'k', NEW_RELIC_REGION: 'eu' }).nerdgraphUrl, 'https://api.eu.newrelic.com/graphql')
  t.equal(loadConfig({ NEW_RELIC_API_KEY: 'k', NEW_RELIC_REGION: 'eu', NERDGRAPH_URL: 'http://127.0.0.1:9/graphql' }).nerdgraphUrl,
    'http://127.0.0.1:9/graphql')
})

t.test('lists are split and trimmed', async (t) => {
  const config = loadConfig({
    NEW_RELIC_API_KEY: 'k', GONOGO_API_TOKENS: ' a, b ,,c', GONOGO_WEBHOOK_ALLOW_HOSTS: '127.0.0.1, Hooks.Local'
  })
  t.same(config.apiTokens, [{ name: 'token-1', token: 'a' }, { name: 'token-2', token: 'b' }, { name: 'token-3', token: 'c' }])
  t.same(config.webhookAllowHosts, ['127.0.0.1', 'hooks.local'])
})

t.test('every bad variable is named, each once', async (t) => {
  const err = t.throws(() => loadConfig({
    PORT: 'abc',
    NEW_RELIC_REGION: 'asia',
    NERDGRAPH_CONCURRENCY: '40',
    REDIS_URL: 'http://x',
    LOG_LEVEL: 'loud',
    NEW_RELIC_ACCOUNT_ID: '12.5'
  })) as ConfigError
  t.ok(err instanceof ConfigError)
  const named = err.problems.map(p => p.split(' ')[0]).sort()
  t.same(named, [
    'LOG_LEVEL', 'NERDGRAPH_CONCURRENCY', 'NEW_RELIC_ACCOUNT_ID', 'NEW_RELIC_API_KEY', 'NEW_RELIC_REGION', 'PORT', 'REDIS_URL'
  ])
  t.match(err.message, /NERDGRAPH_CONCURRENCY must be between 1 and 25, got 40/)
})

t.test('the simulator stands in for the API key', async (t) => {
  t.doesNotThrow(() => loadConfig({ GONOGO_SIM_SCENARIO: 'x.json' }))
})

t.test('a malformed default notify target is refused at start-up', async (t) => {
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_NOTIFY_DEFAULT: '{nope' }), /GONOGO_NOTIFY_DEFAULT/)
})

t.test('.env.example and the README document every variable', async (t) => {
  const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8')
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  for (const key of Object.keys(EnvSchema.properties)) {
    t.match(example, new RegExp(`^#? ?${key}=`, 'm'), `${key} in .env.example`)
    t.match(readme, new RegExp(`\\| \`${key}\` \\|`), `${key} in the README table`)
  }
})

t.test('CORS origins: any by default, a list, or none', async (t) => {
  t.same(loadConfig({ NEW_RELIC_API_KEY: 'k' }).corsOrigins, ['*'])
  t.same(loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins,
    ['https://a.example', 'https://b.example'])
  t.same(loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_CORS_ORIGINS: 'none' }).corsOrigins, [])
})

t.test('.env: read when it exists, the real environment wins, an unreadable one is named', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-dotenv-'))
  const keys = ['GONOGO_T_FROM_FILE', 'GONOGO_T_EXPORTED', 'GONOGO_T_EMPTY', 'GONOGO_T_QUOTED']
  t.teardown(() => {
    for (const k of keys) Reflect.deleteProperty(process.env, k)
    rmSync(dir, { recursive: true, force: true })
  })
  t.equal(loadDotEnv(join(dir, '.env')), false, 'no file: nothing read, no error')
  writeFileSync(join(dir, '.env'), [
    '# copied from .env.example',
    'GONOGO_T_FROM_FILE=file',
    'GONOGO_T_EXPORTED=file',
    'GONOGO_T_EMPTY=file',
    'GONOGO_T_QUOTED="a # b"'
  ].join('\n'))
  process.env.GONOGO_T_EXPORTED = 'exported'
  process.env.GONOGO_T_EMPTY = ''
  t.equal(loadDotEnv(join(dir, '.env')), true)
  t.equal(process.env.GONOGO_T_FROM_FILE, 'file')
  t.equal(process.env.GONOGO_T_EXPORTED, 'exported', 'an exported variable keeps its value')
  t.equal(process.env.GONOGO_T_EMPTY, '', 'even an empty one')
  t.equal(process.env.GONOGO_T_QUOTED, 'a # b')
  mkdirSync(join(dir, 'dir.env'))
  const err = t.throws(() => loadDotEnv(join(dir, 'dir.env'))) as ConfigError
  t.ok(err instanceof ConfigError)
  t.match(err.message, /dir\.env could not be read: /)
})

t.test('named tokens: name:token pairs, bare tokens named by position, problems named without the token', async (t) => {
  const config = loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_API_TOKENS: 'deploy-bot:s3cr3t:with:colons, bare-one ,ana@ops: tok-ana' })
  t.same(config.apiTokens, [
    { name: 'deploy-bot', token: 's3cr3t:with:colons' },
    { name: 'token-2', token: 'bare-one' },
    { name: 'ana@ops', token: 'tok-ana' }
  ])
  t.equal(config.readTokensRequired, false)
  const err = t.throws(() => loadConfig({
    NEW_RELIC_API_KEY: 'k', GONOGO_API_TOKENS: 'bad name:tok-1,ok:,ci:tok-3,ci:tok-4,other:tok-3,:tok-6'
  })) as ConfigError
  t.same(err.problems, [
    'GONOGO_API_TOKENS entry 1 has the name "bad name": a name is 1-64 letters, digits and . _ @ - (name:token)',
    'GONOGO_API_TOKENS entry 2 (ok) has no token after the colon',
    'GONOGO_API_TOKENS entry 4 repeats the name ci of entry 3',
    'GONOGO_API_TOKENS entry 5 (other) has the same token as entry 3: a token names one caller',
    'GONOGO_API_TOKENS entry 6 has the name "": a name is 1-64 letters, digits and . _ @ - (name:token)'
  ])
  t.notMatch(err.message, /tok-/, 'no token in the message')
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_API_TOKENS: 'token-2:x,y' }), /entry 2 repeats the name token-2 of entry 1/)
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_API_TOKENS: ' , ' }), /GONOGO_API_TOKENS is set but holds no token/)
})

t.test('GONOGO_READ_TOKENS_REQUIRED: true or false, and true needs tokens', async (t) => {
  t.equal(loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_API_TOKENS: 'a:b', GONOGO_READ_TOKENS_REQUIRED: 'true' }).readTokensRequired, true)
  t.equal(loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_READ_TOKENS_REQUIRED: 'false' }).readTokensRequired, false)
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_READ_TOKENS_REQUIRED: 'yes' }),
    /GONOGO_READ_TOKENS_REQUIRED must be one of true, false, got "yes"/)
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_READ_TOKENS_REQUIRED: 'true' }),
    /GONOGO_READ_TOKENS_REQUIRED=true needs GONOGO_API_TOKENS/)
})

t.test('Redis: one server, a cluster or Sentinel, each checked', async (t) => {
  const commandTimeoutMs = 10_000
  t.same(loadConfig({ NEW_RELIC_API_KEY: 'k' }).redis, { kind: 'single', url: 'redis://127.0.0.1:6379', commandTimeoutMs })
  t.same(loadConfig({ NEW_RELIC_API_KEY: 'k', REDIS_CLUSTER_NODES: '10.0.0.1:6379, redis-2:7000,[::1]:6380' }).redis, {
    kind: 'cluster',
    url: 'redis://127.0.0.1:6379',
    nodes: [{ host: '10.0.0.1', port: 6379 }, { host: 'redis-2', port: 7000 }, { host: '::1', port: 6380 }],
    commandTimeoutMs
  })
  t.same(loadConfig({ NEW_RELIC_API_KEY: 'k', REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'mymaster' }).redis, {
    kind: 'sentinel', url: 'redis://127.0.0.1:6379', sentinels: [{ host: 's1', port: 26379 }], name: 'mymaster', commandTimeoutMs
  })
  t.equal(loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_REDIS_COMMAND_TIMEOUT_MS: '2500' }).redis.commandTimeoutMs, 2500)
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_REDIS_COMMAND_TIMEOUT_MS: '0' }), /GONOGO_REDIS_COMMAND_TIMEOUT_MS/)
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', REDIS_CLUSTER_NODES: 'a:1,b' }), /REDIS_CLUSTER_NODES entry 2 must be host:port .*"b"/)
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', REDIS_CLUSTER_NODES: 'a:70000' }), /REDIS_CLUSTER_NODES entry 1 must be host:port with a port of 1-65535/)
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', REDIS_CLUSTER_NODES: ' , ' }), /REDIS_CLUSTER_NODES holds no host:port/)
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', REDIS_CLUSTER_NODES: 'a:1', REDIS_URL: 'redis://a/3' }), /database other than 0/)
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2' }), /both set/)
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', REDIS_SENTINELS: 'b:2' }), /REDIS_SENTINELS needs REDIS_SENTINEL_NAME/)
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', REDIS_SENTINEL_NAME: 'm' }), /REDIS_SENTINEL_NAME is set without REDIS_SENTINELS/)
})

t.test('GONOGO_REDIS_PREFIX may hold one hash tag', async (t) => {
  t.equal(loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_REDIS_PREFIX: '{gonogo}' }).GONOGO_REDIS_PREFIX, '{gonogo}')
  t.equal(loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_REDIS_PREFIX: 'team:{gonogo}:prod' }).GONOGO_REDIS_PREFIX, 'team:{gonogo}:prod')
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_REDIS_PREFIX: '{a}{b}' }), /GONOGO_REDIS_PREFIX may hold one \{tag\}/)
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_REDIS_PREFIX: 'a{' }), /GONOGO_REDIS_PREFIX may hold one \{tag\}/)
  t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_REDIS_PREFIX: '{}' }), /GONOGO_REDIS_PREFIX/)
})

t.test('GONOGO_METRICS_TOKEN: long enough, no spaces, and never quoted back', async (t) => {
  t.equal(loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_METRICS_TOKEN: 'scrape-3f9c2a7d41b8' }).GONOGO_METRICS_TOKEN, 'scrape-3f9c2a7d41b8')
  t.equal(loadConfig({ NEW_RELIC_API_KEY: 'k' }).GONOGO_METRICS_TOKEN, undefined)
  for (const bad of ['short-secret', 'sixteen chars here x']) {
    const err = t.throws(() => loadConfig({ NEW_RELIC_API_KEY: 'k', GONOGO_METRICS_TOKEN: bad })) as ConfigError
    t.match(err.problems, [/^GONOGO_METRICS_TOKEN must be 16 or more characters with no space, got \d+ characters$/])
    t.notMatch(err.message, bad, 'the secret is not in the message')
  }
})

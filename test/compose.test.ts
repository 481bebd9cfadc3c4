/** docker-compose.yml cannot run here (no Docker engine); check what can be checked without one. */
import { existsSync, readFileSync } from 'node:fs'
import semver from 'semver'
import t from 'tap'
import { parse } from 'yaml'

const root = new URL('../', import.meta.url)
interface Service { command?: string[], environment?: Record<string, string>, image?: string, build?: unknown, pull_policy?: string }
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8')) as { services: Record<string, Service> }

t.test('Redis keeps data (AOF) and never evicts queue keys', async (t) => {
  const command = compose.services.redis.command?.join(' ') ?? ''
  t.match(command, /--appendonly yes/)
  t.match(command, /--maxmemory-policy noeviction/)
})

t.test('the service talks to the simulator on the scenario it serves', async (t) => {
  const sim = compose.services.simulator.command ?? []
  const scenarioPath = sim[sim.indexOf('--scenario') + 1]
  const scenario = JSON.parse(readFileSync(new URL(scenarioPath, root), 'utf8')) as { accountId: number }
  const env = compose.services.gonogo.environment ?? {}
  const account = /:-(\d+)\}/.exec(env.NEW_RELIC_ACCOUNT_ID ?? '')?.[1] ?? env.NEW_RELIC_ACCOUNT_ID
  t.equal(Number(account), scenario.accountId, 'default account = the scenario account')
  t.equal(env.NEW_RELIC_API_KEY, sim[sim.indexOf('--api-key') + 1], 'same API key on both sides')
  t.match(env.NERDGRAPH_URL, new RegExp(`^http://simulator:${sim[sim.indexOf('--port') + 1]}/graphql$`))
  t.equal(sim[sim.indexOf('--host') + 1], '0.0.0.0', 'reachable from the other container')
})

t.test('one image, built once, used by both services that run gonogo code', async (t) => {
  const services = compose.services
  const builders = Object.entries(services).filter(([, s]) => s.build !== undefined)
  t.same(builders.map(([name]) => name), ['gonogo'], 'only one service builds')
  const [, gonogo] = builders[0]
  t.ok(gonogo.image !== undefined && /^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9._-]+$/.test(gonogo.image), 'the build is tagged with an image name')
  t.same([gonogo.build, services.simulator.build], ['.', undefined], 'built from the Dockerfile at the root; the simulator does not build')
  t.equal(services.simulator.image, gonogo.image, 'the simulator runs the same image')
  t.equal(services.simulator.pull_policy, 'never', 'and never tries to pull it from a registry')
  // The simulator's entry is in that image: the build compiles src/ to dist/src/.
  const entry = services.simulator.command?.[1] ?? ''
  t.match(entry, /^dist\/src\/.+\.js$/)
  t.ok(existsSync(new URL(entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'), root)), `${entry} is compiled from a source file`)
})

t.test('the Dockerfile names a Node version every dependency accepts', async (t) => {
  const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8')
  const version = /^ARG NODE_VERSION=(\d+\.\d+(?:\.\d+)?)$/m.exec(dockerfile)?.[1]
  t.ok(version !== undefined, 'ARG NODE_VERSION=<major.minor>')
  const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map(m => m[1])
  t.equal(froms.length, 2)
  t.ok(froms.every(f => /^node:\$\{NODE_VERSION\}-bookworm-slim$/.test(f)), 'both stages on it')
  // node:20.20 is the newest 20.20.x: its lowest release is the one that must satisfy every range.
  const lowest = semver.coerce(version)?.version ?? ''
  type Lock = { packages: Record<string, { version?: string, engines?: { node?: string } }> }
  const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as Lock
  const refused = Object.entries(lock.packages)
    .filter(([, p]) => typeof p.engines?.node === 'string' && !semver.satisfies(lowest, p.engines.node))
    .map(([path, p]) => `${path}@${p.version ?? ''} wants node ${p.engines?.node ?? ''}`)
  t.same(refused, [], `node ${lowest} satisfies every engines range in package-lock.json`)
  t.ok(Object.keys(lock.packages).length > 100, 'the whole tree was looked at')
})

t.test('.dockerignore keeps dependencies, history, secrets and build output out of the context', async (t) => {
  const ignored = readFileSync(new URL('.dockerignore', root), 'utf8').split('\n')
    .map(l => l.trim()).filter(l => l !== '' && !l.startsWith('#'))
  for (const entry of ['node_modules', '.git', '.env', 'dist', 'coverage', '.tap']) t.ok(ignored.includes(entry), entry)
  const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8')
  const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap(m => m[1].split(/\s+/))
  t.same(copied.filter(c => ignored.includes(c) || ignored.includes(c.split('/')[0])), [], 'nothing the Dockerfile copies is ignored')
})

t.test('the cluster profile: three masters, and a gonogo on all of them', async (t) => {
  const services = compose.services as Record<string, Service & { profiles?: string[] }>
  const inProfile = Object.entries(services).filter(([, s]) => s.profiles?.includes('cluster')).map(([name]) => name)
  t.same(inProfile.sort(), ['gonogo-cluster', 'redis-cluster-init', 'redis-node-1', 'redis-node-2', 'redis-node-3'])
  for (const n of [1, 2, 3]) {
    const command = services[`redis-node-${n}`].command?.join(' ') ?? ''
    t.match(command, /--cluster-enabled yes/)
    t.match(command, new RegExp(`--cluster-announce-hostname redis-node-${n}\\b`), `node ${n} announces its own name`)
    t.match(command, /--appendonly yes .*--maxmemory-policy noeviction/)
  }
  t.equal(services['gonogo-cluster'].environment?.REDIS_CLUSTER_NODES, 'redis-node-1:6379,redis-node-2:6379,redis-node-3:6379')
  t.equal(services['gonogo-cluster'].image, services.gonogo.image, 'the same image, not built again')
  t.notOk(services.gonogo.profiles, 'plain `docker compose up` still runs the single-Redis service')
})

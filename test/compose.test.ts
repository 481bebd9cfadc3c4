/** docker-compose.yml cannot run here (no Docker engine); check what can be checked without one. */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'

const root = new URL('../', import.meta.url)
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8')) as {
  services: Record<string, { command?: string[], environment?: Record<string, string> }>
}

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

/** Shared helpers for simulator tests: start a simulator per test and query it over HTTP. */
import { fileURLToPath } from 'node:url'
import { startSimulator } from '../../src/sim/index.ts'
import type { Scenario, SimulatorHandle } from '../../src/sim/index.ts'

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))
export const POOL_ADD = fileURLToPath(new URL('../../src/sim/scenarios/pool-add.json', import.meta.url))

interface Teardown { teardown: (fn: () => unknown) => void }

type StartOptions = Omit<Parameters<typeof startSimulator>[0], 'scenario'> & { scenario?: Scenario | string }

/** Starts a simulator that closes when the test ends. */
export async function startSim (t: Teardown, opts: StartOptions = {}): Promise<SimulatorHandle> {
  const sim = await startSimulator({ scenario: FIXTURES + 'small.json', ...opts })
  t.teardown(() => sim.close())
  return sim
}

export interface GqlBody {
  data?: any
  errors?: Array<{ message: string, path?: Array<string | number>, extensions?: { errorClass?: string } }>
}

/** POSTs a GraphQL request; returns the status and parsed body. */
export async function gql (
  url: string, query: string, variables?: Record<string, unknown>, apiKey: string | null = 'test-key'
): Promise<{ status: number, body: GqlBody, headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (apiKey !== null) headers['API-Key'] = apiKey
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) })
  const text = await res.text()
  return { status: res.status, body: JSON.parse(text) as GqlBody, headers: res.headers }
}

const MANY = 'query($accountId: Int!, $q: Nrql!) { actor { account(id: $accountId) { q: nrql(query: $q, timeout: 60) { results } } } }'

/** Runs one NRQL query the way the gonogo client does; throws on any GraphQL error. */
export async function nrql (sim: SimulatorHandle, query: string, accountId = 1000001): Promise<any[]> {
  const { status, body } = await gql(sim.url, MANY, { accountId, q: query })
  if (status !== 200 || body.errors !== undefined) {
    throw new Error(`query failed (${status}): ${JSON.stringify(body.errors)} for ${query}`)
  }
  return body.data.actor.account.q.results
}

/** Runs several NRQL queries in one request with aliases q0, q1, ... */
export async function nrqlMany (sim: SimulatorHandle, queries: string[], accountId = 1000001): Promise<{ status: number, body: GqlBody }> {
  const vars = queries.map((_, i) => `$q${i}: Nrql!`).join(', ')
  const fields = queries.map((_, i) => `q${i}: nrql(query: $q${i}, timeout: 60) { results }`).join(' ')
  const variables: Record<string, unknown> = { accountId }
  queries.forEach((q, i) => { variables[`q${i}`] = q })
  return await gql(sim.url, `query($accountId: Int!, ${vars}) { actor { account(id: $accountId) { ${fields} } } }`, variables)
}

/** SINCE/UNTIL for the whole window of fixtures/small.json. */
export const SMALL_WINDOW = "SINCE '2025-09-08 02:30:00' UNTIL '2025-09-08 10:30:00'"

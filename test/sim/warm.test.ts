import t from 'tap'
import { startSimulator } from '../../src/sim/index.ts'

const POOL_ADD = new URL('../../src/sim/scenarios/pool-add.json', import.meta.url).pathname
const QUERY = 'SELECT count(*), percentile(duration, 95) FROM Transaction FACET appName, host ' +
  "SINCE '2026-11-25 02:30:00' UNTIL '2026-11-25 10:30:00' LIMIT MAX"

async function query (url: string): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'api-key': 'k' },
    body: JSON.stringify({
      query: 'query($q: Nrql!) { actor { account(id: 3300001) { nrql(query: $q) { results } } } }', variables: { q: QUERY }
    })
  })
  return await res.json()
}

t.test('background warm-up changes timings, never numbers', async (t) => {
  const warm = await startSimulator({ scenario: POOL_ADD, port: 0, warm: true })
  const cold = await startSimulator({ scenario: POOL_ADD, port: 0 })
  t.teardown(async () => { await warm.close(); await cold.close() })
  await warm.warmed()
  await cold.warmed()
  t.same(await query(warm.url), await query(cold.url))
})

t.test('closing during warm-up stops it', async (t) => {
  const sim = await startSimulator({ scenario: POOL_ADD, port: 0, warm: true })
  await sim.close()
  await sim.warmed()
  t.pass('warm-up ended after close')
})

import t from 'tap'
import pino from 'pino'
import { Writable } from 'node:stream'
import type { NerdGraphClient } from '../../src/newrelic/client.ts'
import { runSpecs, type QuerySpec } from '../../src/newrelic/run-specs.ts'

/**
 * A stand-in for NerdGraph that answers host-stats style queries: `hostsPerApp`
 * hosts for every app in the IN list, cut at 5,000 facets as New Relic does.
 */
function fakeClient (hostsPerApp: number): { client: NerdGraphClient, calls: number[] } {
  const calls: number[] = []
  const client = {
    async nrql (_account: number, queries: Record<string, string>) {
      calls.push(Object.keys(queries).length)
      const out: Record<string, { results: Array<Record<string, unknown>> }> = {}
      for (const [key, nrql] of Object.entries(queries)) {
        const apps = [...(/appName IN \(([^)]*)\)/.exec(nrql)?.[1] ?? '').matchAll(/'([^']*)'/g)].map(m => m[1])
        const rows = apps.flatMap(app => Array.from({ length: hostsPerApp }, (_, h) => ({ facet: [app, `h${h}`], count: 1 })))
        out[key] = { results: rows.slice(0, 5000) }
      }
      return out
    }
  }
  return { client: client as unknown as NerdGraphClient, calls }
}

const spec = (apps: string[]): QuerySpec => ({ tag: 'hosts.window', template: 'host-stats', apps, values: { since: 0, until: 1 } })

t.test('a query at the facet limit is split and re-run', async t => {
  const { client, calls } = fakeClient(60)
  const apps = Array.from({ length: 100 }, (_, i) => `a${i}`)
  const answers = await runSpecs(client, 1, [spec(apps), spec(['other'])])
  t.same(calls, [2, 2], 'one round, then one more for the two halves')
  const rows = answers.flatMap(a => a.rows)
  t.equal(rows.length, 101 * 60, 'nothing lost')
  t.ok(answers.every(a => a.spec.tag === 'hosts.window'))
})

t.test('a single app at the limit is kept, with a warning', async t => {
  const { client, calls } = fakeClient(6000)
  const lines: string[] = []
  const logger = pino({ level: 'warn' }, new Writable({ write (c, _e, done) { lines.push(String(c)); done() } }))
  const answers = await runSpecs(client, 1, [spec(['huge'])], logger)
  t.same(calls, [1])
  t.equal(answers[0].rows.length, 5000)
  t.match(lines.join(''), 'facet limit')
})

t.test('nothing planned, nothing sent', async t => {
  const { client, calls } = fakeClient(1)
  t.same(await runSpecs(client, 1, []), [])
  t.same(calls, [])
})

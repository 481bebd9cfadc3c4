import t from 'tap'
import { packApps, slices } from '../../src/newrelic/chunk.ts'
import { bucketCountFor, bucketMinutesFor, MAX_BUCKETS } from '../../src/newrelic/limits.ts'
import { seriesSpecs, sideSpecs, slowSpecs } from '../../src/newrelic/checkpoint-plan.ts'

const HOUR = 3_600_000

t.test('bucket length keeps every window under 366 buckets', async t => {
  t.equal(bucketMinutesFor(0, HOUR), 1)
  t.equal(bucketMinutesFor(0, 6 * HOUR), 1)
  t.equal(bucketMinutesFor(0, 6 * HOUR + 1), 2)
  t.equal(bucketMinutesFor(0, 8 * HOUR), 2)
  t.equal(bucketMinutesFor(0, 1000), 1)
  for (const hours of [0.5, 1, 5.9, 6, 7, 12, 24, 48, 24 * 7, 24 * 30]) {
    const until = Math.round(hours * HOUR) + 12_345
    const minutes = bucketMinutesFor(12_345, until)
    t.ok(bucketCountFor(12_345, until, minutes) <= MAX_BUCKETS, `${hours} h -> ${minutes} min buckets`)
  }
})

t.test('packing respects apps, hosts and facets', async t => {
  const items = Array.from({ length: 10 }, (_, i) => ({ app: `a${i}`, hosts: ['h1', 'h2', `own${i}`] }))
  const packs = packApps(items, { maxApps: 4, maxHosts: 100, maxFacets: 5000, facetsPerHost: 1, splitApp: false })
  t.same(packs.map(p => p.apps.length), [4, 4, 2])
  t.same(packs[0].hosts, ['h1', 'h2', 'own0', 'own1', 'own2', 'own3'])
  const byFacets = packApps(items, { maxApps: 100, maxHosts: 100, maxFacets: 61 * 9, facetsPerHost: 61, splitApp: true })
  t.same(byFacets.map(p => p.apps.length), [3, 3, 3, 1], '3 hosts x 61 buckets per app, 9 pairs per query')
  const byHosts = packApps(items, { maxApps: 100, maxHosts: 5, maxFacets: 5000, facetsPerHost: 1, splitApp: false })
  t.ok(byHosts.every(p => p.hosts.length <= 5))
  t.same(byHosts.flatMap(p => p.apps), items.map(i => i.app), 'order kept, nothing lost')
})

t.test('an app too big for one query', async t => {
  const big = { app: 'big', hosts: Array.from({ length: 50 }, (_, i) => `h${String(i).padStart(2, '0')}`) }
  const split = packApps(
    [{ app: 'small', hosts: ['x'] }, big], { maxApps: 100, maxHosts: 500, maxFacets: 5000, facetsPerHost: 241, splitApp: true }
  )
  t.same(split.map(p => p.apps), [['small'], ['big'], ['big'], ['big']], '20 hosts x 241 buckets fit, so 20 + 20 + 10')
  t.same(split.slice(1).flatMap(p => p.hosts), big.hosts)
  const whole = packApps([big], { maxApps: 100, maxHosts: 10, maxFacets: 5000, facetsPerHost: 0, splitApp: false })
  t.same(whole.map(p => p.hosts.length), [50], 'not splittable: own query')
  t.same(packApps([{ app: 'none', hosts: [] }], { maxApps: 1, maxHosts: 1, maxFacets: 1, facetsPerHost: 1, splitApp: true }), [])
})

t.test('slices', async t => {
  t.same(slices([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]])
  t.same(slices([], 2), [])
})

t.test('plans: series within facets, slow counts share queries across thresholds', async t => {
  const window = { since: 0, until: 8 * HOUR }
  const minutes = bucketMinutesFor(window.since, window.until)
  const buckets = bucketCountFor(window.since, window.until, minutes)
  const apps = Array.from({ length: 50 }, (_, i) => ({ app: `app${i}`, hosts: ['PRDIIS01', 'PRDIIS02', 'PRDIIS03', 'PRDIIS09'] }))
  const series = seriesSpecs(window, minutes, buckets, apps)
  for (const spec of series) t.ok(spec.apps.length * 4 * buckets <= 5000, `${spec.apps.length} apps x 4 hosts x ${buckets} buckets`)
  t.equal(series.flatMap(s => s.apps).length, 50)
  const sides = sideSpecs('canary.window', window, apps.map(a => ({ app: a.app, hosts: ['PRDIIS09'] })))
  t.equal(sides.length, 1)
  t.same(sides[0].hosts, ['PRDIIS09'])
  const slow = slowSpecs(window, new Map([['a', 0.5], ['b', 0.5], ['c', 0.7]]))
  t.same(slow.map(s => [s.apps, s.values.slowFilters]), [[['a', 'b', 'c'], [0.5, 0.7]]], 'one query, one filter per distinct threshold')
  const many = new Map(Array.from({ length: 45 }, (_, i) => [`app${i}`, 0.1 + i / 100] as [string, number]))
  const packed = slowSpecs(window, many)
  t.ok(packed.every(s => (s.values.slowFilters as number[]).length <= 20), 'at most 20 filters a query')
  t.equal(packed.flatMap(s => s.apps).length, 45, 'every app once')
  t.ok(packed.length <= 3, `${packed.length} queries for 45 distinct thresholds`)
})

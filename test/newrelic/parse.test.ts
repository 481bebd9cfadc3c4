import t from 'tap'
import { bucketStartMs, countOf, facetOf, numberOf, percentileOf, rowsOf } from '../../src/newrelic/parse.ts'

t.test('facets: one attribute, several, or by name', async t => {
  t.same(facetOf({ facet: 'RESTAPI', appName: 'RESTAPI', count: 3 }, ['appName']), { appName: 'RESTAPI' })
  t.same(facetOf({ facet: ['RESTAPI', 'PRDIIS09'], count: 3 }, ['appName', 'host']), { appName: 'RESTAPI', host: 'PRDIIS09' })
  t.same(facetOf({ facet: ['A', 'h', 'System.IO.X'] }, ['appName', 'host', 'error.class']),
    { appName: 'A', host: 'h', 'error.class': 'System.IO.X' })
  t.same(facetOf({ appName: 'A', host: 'h' }, ['appName', 'host']), { appName: 'A', host: 'h' }, 'falls back to attributes')
  t.equal(facetOf({ facet: ['A'] }, ['appName', 'host']), null, 'missing value')
  t.equal(facetOf({ facet: null }, ['appName']), null)
  t.equal(facetOf({}, ['appName']), null)
  t.same(facetOf({ facet: [42, 'h'] }, ['appName', 'host']), { appName: '42', host: 'h' }, 'non-string facet values become strings')
})

t.test('numbers and counts are null-safe', async t => {
  t.equal(numberOf({ a: 1.5 }, 'a'), 1.5)
  t.equal(numberOf({ a: '2.5' }, 'a'), 2.5)
  t.equal(numberOf({ a: null }, 'a'), null)
  t.equal(numberOf({ a: NaN }, 'a'), null)
  t.equal(numberOf({ a: '' }, 'a'), null)
  t.equal(numberOf({ a: {} }, 'a'), null)
  t.equal(countOf({}, 'count'), 0)
  t.equal(countOf({ count: 7 }, 'count'), 7)
})

t.test('percentiles', async t => {
  const row = { 'percentile.duration': { 50: 0.2, 95: 0.41, 99: 0.9 } }
  t.equal(percentileOf(row, 'duration', 95), 0.41)
  t.equal(percentileOf(row, 'duration', 50), 0.2)
  t.equal(percentileOf(row, 'duration', 90), null)
  t.equal(percentileOf({ 'percentile.duration': { '95.0': 0.3 } }, 'duration', 95), 0.3)
  t.equal(percentileOf({ 'percentile.duration': 0.5 }, 'duration', 95), 0.5, 'bare number')
  t.equal(percentileOf({ 'percentile.duration': { 95: null } }, 'duration', 95), null)
  t.equal(percentileOf({}, 'duration', 95), null)
  t.equal(percentileOf({ p: { 95: 1 } }, 'duration', 95, 'p'), 1, 'aliased key')
})

t.test('time buckets in epoch ms', async t => {
  t.equal(bucketStartMs({ beginTimeSeconds: 1757298600, endTimeSeconds: 1757298660 }), 1757298600000)
  t.equal(bucketStartMs({}), null)
})

t.test('rows', async t => {
  t.same(rowsOf({ results: [{ a: 1 }, null, 3, [1], { b: 2 }] }), [{ a: 1 }, { b: 2 }])
  t.same(rowsOf(undefined), [])
  t.same(rowsOf({ results: null }), [])
})

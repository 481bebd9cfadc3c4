import t from 'tap'
import { NrqlTemplateError } from '../../src/newrelic/errors.ts'
import {
  formatValue, placeholdersOf, queriesDir, quoteList, quoteString, renderNrql, slowFilters, TEMPLATE_NAMES, MAX_LIST_ITEMS
} from '../../src/newrelic/nrql.ts'

const hostStats = { apps: ['RESTAPI'], since: 1_000, until: 2_000 }

t.test('quoteString writes one literal with backslash escapes', async t => {
  t.equal(quoteString('x', 'RESTAPI'), "'RESTAPI'")
  t.equal(quoteString('x', "O'Brien's API"), "'O\\'Brien\\'s API'")
  t.equal(quoteString('x', 'C:\\temp'), "'C:\\\\temp'")
  // A trailing backslash must not escape the closing quote.
  t.equal(quoteString('x', 'end\\'), "'end\\\\'")
  t.equal(quoteString('x', "\\'"), "'\\\\\\''")
  t.equal(quoteString('x', 'Payments API (v2) — €'), "'Payments API (v2) — €'")
  t.equal(quoteString('x', 'my.app name'), "'my.app name'")
  t.equal(quoteString('x', 'a'.repeat(255)).length, 257)
})

t.test('hostile values stay inside their literal', async t => {
  const hostile = "x') OR appName LIKE ('%"
  const nrql = renderNrql('host-stats', { ...hostStats, apps: [hostile] })
  t.match(nrql, "WHERE appName IN ('x\\') OR appName LIKE (\\'%') FACET")
  // Unescaped quotes (not preceded by a backslash) delimit literals: exactly one pair in the IN list.
  const inList = nrql.slice(nrql.indexOf('IN ('), nrql.indexOf(') FACET') + 1)
  t.equal([...inList.matchAll(/(?<!\\)'/g)].length, 2)
  for (const value of ["'; DROP", "\\' OR 1=1 --", "a' , 'b", "\\\\'", '{{apps}}']) {
    const quoted = quoteString('x', value)
    t.equal(unquote(quoted), value, `round-trips ${value}`)
  }
})

t.test('refuses values that cannot be quoted safely', async t => {
  for (const bad of ['', 'a\nb', 'a\rb', 'tab\there', 'nul\u0000', 'del\u007f', 'c1\u0085', 'ls\u2028', 'x'.repeat(256), '\uD800lone']) {
    // Name the case by code points: a raw U+2028 in a test name would break the TAP stream.
    const name = [...bad.slice(0, 12)].map(c => c.codePointAt(0)!.toString(16)).join(' ')
    t.throws(() => quoteString('apps[0]', bad), NrqlTemplateError, `refuses ${name}`)
  }
  t.throws(() => quoteString('x', 42), NrqlTemplateError)
  t.throws(() => quoteString('x', null), NrqlTemplateError)
})

t.test('lists: non-empty, bounded, every item checked', async t => {
  t.equal(quoteList('hosts', ['a', "b'c"]), "('a', 'b\\'c')")
  t.throws(() => quoteList('hosts', []), /empty/)
  t.throws(() => quoteList('hosts', 'a'), NrqlTemplateError)
  t.throws(() => quoteList('hosts', Array(MAX_LIST_ITEMS + 1).fill('h')), /more than/)
  t.throws(() => quoteList('hosts', ['ok', 'bad\n']), /hosts\[1\]/)
})

t.test('numbers are plain decimals', async t => {
  t.equal(formatValue('t', 'number', 0.41), '0.41')
  t.equal(formatValue('t', 'number', 2), '2')
  t.equal(formatValue('t', 'number', 1e-7), '0.0000001')
  t.equal(formatValue('t', 'number', 1.5e-7), '0.00000015')
  t.equal(formatValue('t', 'number', -0), '0')
  t.equal(formatValue('t', 'number', 123456789.5), '123456789.5')
  t.equal(formatValue('t', 'number', 1e20), '100000000000000000000')
  for (const bad of [NaN, Infinity, -Infinity, 1e21, '1', null]) {
    t.throws(() => formatValue('t', 'number', bad), NrqlTemplateError, `refuses ${String(bad)}`)
  }
})

t.test('integers and epoch milliseconds', async t => {
  t.equal(formatValue('s', 'epochMs', 1757298600000), '1757298600000')
  t.equal(formatValue('b', 'int', 2), '2')
  for (const bad of [1.5, -1, NaN, 2 ** 53, '1']) t.throws(() => formatValue('s', 'epochMs', bad), NrqlTemplateError)
  t.throws(() => formatValue('b', 'int', 0.5), NrqlTemplateError)
})

t.test('renderNrql checks placeholders both ways', async t => {
  const nrql = renderNrql('host-stats', hostStats)
  t.equal(nrql, "SELECT count(apm.service.transaction.duration) AS 'count', count(apm.service.error.count) AS 'errors', " +
    "average(apm.service.transaction.duration) AS 'durationAvg' " +
    "FROM Metric WHERE appName IN ('RESTAPI') FACET appName, host SINCE 1000 UNTIL 2000 LIMIT MAX")
  t.notMatch(nrql, /\n|--/, 'one line, comments dropped')
  t.throws(() => renderNrql('host-stats', { apps: ['a'], since: 1 } as never), /needs a value for \{\{until\}\}/)
  t.throws(() => renderNrql('host-stats', { ...hostStats, threshold: 1 }), /no placeholder \{\{threshold\}\}/)
  t.throws(() => renderNrql('nope' as never, hostStats), /unknown NRQL template/)
  t.throws(() => renderNrql('host-stats', { ...hostStats, since: 'yesterday' }), NrqlTemplateError)
})

t.test('values are not re-expanded', async t => {
  const nrql = renderNrql('host-stats', { ...hostStats, apps: ['{{since}}'] })
  t.match(nrql, "IN ('{{since}}')")
})

t.test('slow filters: one per threshold, plain numbers, refused when unsafe', async t => {
  t.equal(slowFilters('f', [0.5, 1e-7]),
    "filter(count(*), WHERE duration > 0.5) AS 'slow0', filter(count(*), WHERE duration > 0.0000001) AS 'slow1'")
  t.throws(() => slowFilters('f', []), /non-empty/)
  t.throws(() => slowFilters('f', [0.5, -1]), /positive/)
  t.throws(() => slowFilters('f', [Number.NaN]), /positive/)
  t.throws(() => slowFilters('f', ['0.5) OR (1' as unknown as number]), /positive/)
  t.throws(() => slowFilters('f', Array.from({ length: 21 }, (_, i) => i + 1)), /more than 20/)
})

t.test('every template renders with its placeholders', async t => {
  const sample = { app: 'a', apps: ['a'], hosts: ['h'], since: 1, until: 2, threshold: 0.5, bucketMinutes: 1, slowFilters: [0.5, 0.25] }
  for (const name of TEMPLATE_NAMES) {
    const keys = placeholdersOf(name)
    t.ok(keys.length > 0, `${name} has placeholders`)
    const values = Object.fromEntries(keys.map(k => [k, sample[k as keyof typeof sample]]))
    t.doesNotThrow(() => renderNrql(name, values), name)
    t.match(renderNrql(name, values), /SINCE 1 UNTIL 2/, `${name} uses epoch times`)
  }
  t.match(queriesDir(), /queries$/)
})

/** Reads a literal back the way an NRQL lexer does. */
function unquote (literal: string): string {
  t.equal(literal[0], "'")
  let out = ''
  for (let i = 1; i < literal.length; i++) {
    const ch = literal[i]
    if (ch === '\\') out += literal[++i]
    else if (ch === "'") {
      if (i !== literal.length - 1) throw new Error(`literal ends early at ${i}: ${literal}`)
      return out
    } else out += ch
  }
  throw new Error('unterminated')
}

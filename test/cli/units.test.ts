/** The CLI's small parts: option parsers, the event-stream reader, colour rules, tables, times, import boundaries. */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import t from 'tap'
import { duration, instant, integer, list } from '../../src/cli/args.ts'
import { readEvents } from '../../src/cli/sse.ts'
import { clean, colorWanted, fit, Style, visibleWidth } from '../../src/cli/style.ts'
import { renderMatrix } from '../../src/cli/render/matrix.ts'
import { renderTable } from '../../src/cli/table.ts'
import { clockOf, formatLocal, formatSpan, relative as rel } from '../../src/cli/time.ts'
import type { Status } from '../../src/schemas/common.ts'
import { matrixFixture } from './fixtures.ts'
import { ESC, paint } from './helpers.ts'

t.test('durations', async t => {
  t.equal(duration('8h'), 8 * 3_600_000)
  t.equal(duration('1h30m'), 5_400_000)
  t.equal(duration('90s'), 90_000)
  t.equal(duration('500ms'), 500)
  t.equal(duration('1.5s'), 1500)
  t.equal(duration('PT8H'), 8 * 3_600_000)
  t.equal(duration('P1DT2H'), 26 * 3_600_000)
  t.equal(duration('PT0.5S'), 500)
  for (const bad of ['', '8', 'h', '8x', '1h 30m', 'P', 'PT', 'soon']) t.throws(() => duration(bad), /expected a duration/, bad)
})

t.test('instants: an offset is required; now and now-6h are relative', async t => {
  const now = Date.parse('2026-11-25T10:00:00Z')
  t.equal(instant('2026-11-25T10:00:00+05:30'), '2026-11-25T04:30:00.000Z')
  t.equal(instant('2026-11-25T04:30Z'), '2026-11-25T04:30:00.000Z')
  t.equal(instant('now', now), '2026-11-25T10:00:00.000Z')
  t.equal(instant('now-6h', now), '2026-11-25T04:00:00.000Z')
  t.equal(instant('-90m', now), '2026-11-25T08:30:00.000Z')
  t.equal(instant('now+1h', now), '2026-11-25T11:00:00.000Z')
  for (const bad of ['2026-11-25T10:00:00', '2026-11-25', 'yesterday', '2026-13-45T10:00:00Z', 'now-']) {
    t.throws(() => instant(bad, now), bad)
  }
})

t.test('lists and whole numbers', async t => {
  t.same(list('A, B,,C'), ['A', 'B', 'C'])
  t.same(list('D', ['A']), ['A', 'D'], 'a repeated option adds')
  t.same(list("O'Brien's API"), ["O'Brien's API"])
  t.throws(() => list(' , '), /comma-separated/)
  t.equal(integer(1)('42'), 42)
  t.throws(() => integer(1)('0'))
  t.throws(() => integer(1, 10)('11'), /from 1 to 10/)
  t.throws(() => integer(1)('1.5'))
})

function body (chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder()
  return new ReadableStream({ start (c) { for (const x of chunks) c.enqueue(enc.encode(x)); c.close() } })
}

t.test('server-sent events: fields, comments, multi-line data, any line ending, chunks cut anywhere', async t => {
  const text = ': ping\n\nevent: checkpoint.recorded\ndata: {"a":\ndata: 1}\nid: 7\n\n' +
    'event: x\r\ndata: two\r\n\r\ndata: plain\rdata:no-space\r\r: bye\n\n'
  const whole: unknown[] = []
  for await (const e of readEvents(body([text]))) whole.push(e)
  t.same(whole, [
    { event: 'checkpoint.recorded', data: '{"a":\n1}', id: '7' },
    { event: 'x', data: 'two', id: '7' },
    { event: 'message', data: 'plain\nno-space', id: '7' }
  ])
  // The same bytes one character at a time (a \r\n split across two chunks included).
  const cut: unknown[] = []
  let activity = 0
  for await (const e of readEvents(body([...text]), () => { activity++ })) cut.push(e)
  t.same(cut, whole)
  t.equal(activity, [...text].length, 'every chunk counts as activity, pings too')
})

t.test('colour: a terminal without NO_COLOR; FORCE_COLOR for a pipe; --no-color and NO_COLOR win', async t => {
  t.equal(colorWanted({ isTTY: true }, {}), true)
  t.equal(colorWanted({ isTTY: false }, {}), false)
  t.equal(colorWanted({}, {}), false)
  t.equal(colorWanted({ isTTY: true }, { NO_COLOR: '1' }), false)
  t.equal(colorWanted({ isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count')
  t.equal(colorWanted({ isTTY: true }, { TERM: 'dumb' }), false)
  t.equal(colorWanted({ isTTY: false }, { FORCE_COLOR: '1' }), true)
  t.equal(colorWanted({ isTTY: true }, { FORCE_COLOR: '0' }), false)
  t.equal(colorWanted({ isTTY: true }, { FORCE_COLOR: '1', NO_COLOR: 'x' }), false)
  t.equal(colorWanted({ isTTY: true }, {}, false), false)
  const on = new Style(true)
  const off = new Style(false)
  t.equal(on.verdict('FAIL'), paint('1;31', 'FAIL'))
  t.equal(off.verdict('FAIL'), 'FAIL')
  t.equal(off.letter('NO_DATA'), 'N')
  t.equal(off.letter(null), '.')
  t.equal(off.recommendation(null), 'none yet')
  t.equal(on.recommendation('GO'), paint('1;32', 'GO'))
  t.equal(on.paint('red', ''), '', 'nothing to colour, no codes')
})

t.test('text from the service cannot drive the terminal; widths ignore colour', async t => {
  t.equal(clean(`a${ESC}[2Jb\u0007c\u009bd\te`), 'a?[2Jb?c?d\te')
  t.equal(visibleWidth(paint('31', 'FAIL')), 4)
  t.equal(visibleWidth('Café'), 4)
  t.equal(fit('abcdef', 4), 'abc…')
  t.equal(fit('abc', 4), 'abc')
  t.equal(fit(paint('31', 'abcdef'), 4), 'abc…', 'cut text loses its colour, never half a code')
  t.equal(fit('abc', 1), 'a')
})

t.test('tables: columns as wide as their widest cell, full-width rows, right alignment, the last column cut', async t => {
  const lines = renderTable(['A', 'NUMBER', 'WHY'], [
    'heading',
    [paint('31', 'x'), '1', 'short'],
    ['longer', '100', 'a reason that is long']
  ], { align: ['left', 'right'], width: 30 })
  t.same(lines, [
    'A       NUMBER  WHY',
    'heading',
    `${paint('31', 'x')}            1  short`,
    'longer     100  a reason that…'
  ])
})

t.test('many checkpoints (every 5 minutes): one letter each in a timeline, the latest kept when it is cut', async t => {
  const base = matrixFixture()
  const two = (x: number): string => String(x).padStart(2, '0')
  const n = 48
  const plan = Array.from({ length: n }, (_, i) => ({
    index: i,
    kind: i === n - 1 ? 'decision' as const : 'checkpoint' as const,
    at: new Date(Date.parse(base.startAt) + (i + 1) * 300_000).toISOString(),
    localAt: `2026-11-25T${two(10 + Math.floor((i + 1) * 5 / 60))}:${two(((i + 1) * 5) % 60)}:00+05:30`,
    status: i < 30 ? 'ok' as const : 'pending' as const,
    recommendation: i < 30 ? 'NO_GO' as const : null
  }))
  const verdicts = (first: Status | null): Array<Status | null> => plan.map(p => p.status === 'ok' ? (first ?? 'PASS') : null)
  const apps = base.apps.map(a => ({ ...a, verdicts: verdicts(a.verdicts[0]), reasons: plan.map(() => null) }))
  const m = { ...base, plan, apps }
  const style = new Style(false)
  const piped = renderMatrix(m, { style })
  t.ok(piped.some(l => /^APP +OWNERS +10:05 → 14:00 +LATEST +PEOPLE$/.test(l)), 'one column for the timeline, its first and last time')
  t.ok(piped.some(l => l.includes(`Billing.Service *  bob@example.com  ${'F'.repeat(30)}${'.'.repeat(18)}  FAIL (waived)`)))
  t.ok(piped.some(l => l.includes(`rollout${' '.repeat(20)}`) && l.includes(`${'N'.repeat(30)}${'.'.repeat(18)}`)), 'the rollout row')
  t.ok(piped.includes('one letter per checkpoint; the rollout row: G GO  N NO_GO  I INCONCLUSIVE'))
  const narrow = renderMatrix(m, { style, width: 80 })
  t.ok(narrow.every(l => visibleWidth(l) <= 80), 'fits 80 columns')
  const row = narrow.find(l => l.startsWith('  Billing.Service')) ?? ''
  t.match(row, / {2}(…)?F{5,}…? {2}FAIL \(waived\)/, 'the pending dots give way first, then the oldest letters')
  t.ok(narrow.some(l => / …\d\d:\d\d → 12:30… /.test(l)), 'the header says where it is cut: the latest recorded is 12:30')
  const wide = renderMatrix(m, { style, width: 120 })
  t.ok(wide.some(l => l.startsWith('  Billing.Service') && l.includes(`  ${'F'.repeat(30)}${'.'.repeat(18)}  FAIL`)), 'all when it fits')
  const few = renderMatrix(base, { style })
  t.notOk(few.some(l => l.startsWith('one letter per checkpoint')), 'a few checkpoints keep their columns')
})

t.test('times in the rollout\'s timezone, spans, clocks', async t => {
  t.equal(formatLocal('2026-11-25T10:00:00Z', 'Asia/Kolkata'), '2026-11-25 15:30 +05:30')
  t.equal(formatLocal('2026-11-25T10:00:00Z', 'UTC'), '2026-11-25 10:00 UTC')
  t.equal(formatLocal('2026-11-25T10:00:00Z', 'America/New_York'), '2026-11-25 05:00 -05:00')
  t.equal(formatLocal('2026-11-25T10:00:00Z', 'Not/AZone'), '2026-11-25 10:00 +00:00', 'an unknown zone falls back to UTC')
  t.equal(formatLocal('garbage'), 'garbage')
  t.equal(clockOf('2026-11-25T11:00:00+05:30'), '11:00')
  t.equal(formatSpan(45_000), '45s')
  t.equal(formatSpan(12 * 60_000), '12m')
  t.equal(formatSpan(125 * 60_000), '2h 05m')
  t.equal(formatSpan(76 * 3_600_000), '3d 4h')
  t.equal(formatSpan(-5), '0s')
  const now = Date.parse('2026-11-25T10:00:00Z')
  t.equal(rel('2026-11-25T12:05:00Z', now), 'in 2h 05m')
  t.equal(rel('2026-11-25T09:48:00Z', now), '12m ago')
})

const SRC = resolve(import.meta.dirname, '../../src')

function files (dir: string): string[] {
  return readdirSync(dir).flatMap(n => statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : [])
}

t.test('the CLI talks HTTP: of src/ it imports only its own files and, as types only, src/schemas/', async t => {
  const found: string[] = []
  for (const file of files(join(SRC, 'cli'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/^\s*(import|export)(\s+type)?\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
      const target = relative(SRC, resolve(dirname(file), m[3]))
      const typeOnly = m[2] !== undefined
      if (target.startsWith('cli/')) continue
      found.push(`${relative(SRC, file)} -> ${target}${typeOnly ? ' (type)' : ''}`)
      if (!(target.startsWith('schemas/') && typeOnly)) t.fail(`${relative(SRC, file)} imports ${target}${typeOnly ? '' : ' at run time'}`)
    }
  }
  t.ok(found.some(f => f.includes('schemas/board.ts (type)')), 'the check sees the schema imports')
})

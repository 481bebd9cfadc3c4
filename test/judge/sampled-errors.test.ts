/**
 * New errors where agents sample their TransactionError events: a class seen on the canary alone
 * is new only if the existing hosts would have shown it, given how many of their errors their
 * agents kept (ErrorClassCount.events against count).
 */
import t from 'tap'
import { judge } from '../../src/judge/index.ts'
import type { ErrorClassCount } from '../../src/judge/input.ts'
import type { MetricResult } from '../../src/schemas/result.ts'
import { appData, baselineName, checkpoint, CANARY, type AppSpecData } from './helpers.ts'

function newErrors (spec: AppSpecData): MetricResult {
  const data = appData(spec)
  const out = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: Date.UTC(2025, 8, 8, 10) })
  return out.result.apps[0].metrics.find(m => m.metric === 'newErrors') as MetricResult
}

// Four existing hosts with 1,000 errors each, of which their capped agents kept 100 events (one in ten).
const cappedBaseline: ErrorClassCount[] = Array.from({ length: 4 }, (_, i) => (
  { host: baselineName(i), errorClass: 'System.TimeoutException', count: 1000, events: 100 }
))
const base = { canary: { count: 12_000, errors: 105 }, baseline: { count: 48_000, errors: 4000 }, preCount: 0 }

t.test('a common class the capped existing hosts dropped is not new on an uncapped canary', async t => {
  // The canary kept every error: 100 common ones and 5 of a rare class every host throws, which the
  // existing hosts' one-in-ten samples happened to miss. Unsampled, 5 of 5 on a 20% host is p = 3e-4.
  const rare = [
    { host: CANARY, errorClass: 'System.TimeoutException', count: 100, events: 100 },
    { host: CANARY, errorClass: 'Rare', count: 5, events: 5 }
  ]
  const m = newErrors({ ...base, classes: [...cappedBaseline, ...rare] })
  t.not(m.status, 'FAIL', m.detail)
  t.ok((m.pValue ?? 0) > 0.1, `a kept event is the canary's with chance 0.2 / (0.2 + 0.8 x 0.1): ${m.pValue}`)
  const unsampled = newErrors({ ...base, classes: [...cappedBaseline.map(r => ({ ...r, events: r.count })), ...rare] })
  t.equal(unsampled.status, 'FAIL', 'the same counts with every error kept are a new class')
})

t.test('a new class on a capped canary is still found, and counted as occurrences', async t => {
  // The canary erred 1,000 times (20 of them the new class); its agent kept 100, two of the new class.
  const canary = [
    { host: CANARY, errorClass: 'System.TimeoutException', count: 980, events: 98 },
    { host: CANARY, errorClass: 'System.IO.DirectoryNotFoundException', count: 20, events: 2 }
  ]
  const uncappedBaseline = Array.from({ length: 4 }, (_, i) => (
    { host: baselineName(i), errorClass: 'System.TimeoutException', count: 50 }
  ))
  const m = newErrors({
    canary: { count: 12_000, errors: 1000 },
    baseline: { count: 48_000, errors: 200 },
    preCount: 0,
    classes: [...uncappedBaseline, ...canary]
  })
  t.match(m.detail, /System\.IO\.DirectoryNotFoundException x20/, 'the scaled count is what a person reads')
  t.ok((m.pValue ?? 1) < 0.001, `two kept events on a host whose kept share is 0.2 x 0.1 / (0.02 + 0.8): ${m.pValue}`)
  t.equal(m.status, 'FAIL')
})

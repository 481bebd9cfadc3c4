/**
 * The app panel says whom the app was compared with, under the checkpoint's heading: the existing hosts and the sick
 * one left out of the error-rate and latency baselines, for a PASS app too; a big fleet's list is cut to "+N more";
 * checkpoints recorded before the hosts were kept get no line.
 */
import t from 'tap'
import { sickOldHostRollout, sickOldHostScenario } from '../helpers/scenarios.ts'
import { waitForState } from '../helpers/wait.ts'
import { openPage, startBoard } from './helpers.ts'

t.test('the panel line names the existing hosts compared with and the one left out', async t => {
  const board = await startBoard(t, 'board-panel-baseline', { scenario: sickOldHostScenario() })
  const res = await board.app.inject({ method: 'POST', url: '/v1/rollouts', payload: sickOldHostRollout() })
  t.equal(res.statusCode, 201, res.body)
  const id = (res.json() as { id: string }).id
  await waitForState(board.app, id, 'decided', 120_000)

  const { page, errors } = await openPage(board)
  await page.goto(`${board.base}/board/rollouts/${id}`)
  await page.locator('tr[data-app="Clean.BehindSickOld"] button[data-col]').last().click()
  const panel = page.getByRole('dialog', { name: 'Clean.BehindSickOld' })
  await panel.locator('table.metrics tbody tr').first().waitFor()
  const line = await panel.locator('.checkpoint p.compared').innerText()
  t.equal(line, 'Compared with 3 existing hosts: PRDWEB01, PRDWEB02, PRDWEB04. PRDWEB03 left out of the error-rate and latency ' +
    'baselines: it stood out from the other existing hosts (traffic, new errors and coverage still count it).')
  // Under the heading, before the reasons and the table.
  const order = await panel.locator('.checkpoint > *')
    .evaluateAll(els => els.map(e => e.tagName + (e.className ? `.${e.className}` : '')))
  t.same(order.slice(0, 2), ['H3', 'P.compared'], order.join(' '))

  await page.keyboard.press('Escape')
  await page.locator('tr[data-app="Clean"] button[data-col]').last().click()
  const clean = page.getByRole('dialog', { name: 'Clean' })
  await clean.locator('table.metrics tbody tr').first().waitFor()
  t.equal(await clean.locator('.checkpoint p.compared').innerText(),
    'Compared with 4 existing hosts: PRDWEB01, PRDWEB02, PRDWEB03, PRDWEB04.')

  // The same module on made-up checkpoints: a big fleet, and one recorded before the hosts were kept.
  // A string, not a function: the test's TypeScript transform rewrites a function's import() into a
  // helper call that does not exist in the page.
  const made = await page.evaluate(`(async () => {
    const { comparedLine } = await import(${JSON.stringify(`${board.base}/board/assets/compared.js`)})
    const hosts = Array.from({ length: 50 }, (_, i) => 'IIS' + String(i).padStart(3, '0'))
    const big = comparedLine({
      baselineHosts: hosts,
      baselineHostCount: 180,
      excludedBaselineHosts: [{ host: 'IIS900', checks: ['latency'] }, { host: 'IIS901', checks: ['latency'] }]
    })
    return { big: big?.textContent ?? null, old: comparedLine({ reasons: [], metrics: [] }) }
  })()`) as { big: string | null, old: unknown }
  t.equal(made.big, 'Compared with 180 existing hosts: IIS000, IIS001, IIS002, IIS003, IIS004, IIS005 +174 more. IIS900, IIS901 ' +
    'left out of the latency baseline: they stood out from the other existing hosts (traffic, new errors and coverage still count them).')
  t.equal(made.old, null, 'no line for an old checkpoint')
  t.same(errors, [])
})

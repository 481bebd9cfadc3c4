/** The board shows an overdue badge on a live rollout no worker records (an API-only service, no grace). */
import t from 'tap'
import { poolAddRollout } from '../helpers/app.ts'
import { openPage, startBoard } from './helpers.ts'

const board = await startBoard(t, 'board-overdue', { env: { GONOGO_ROLE: 'api', GONOGO_OVERDUE_GRACE_SECONDS: '0' } })
const { app, base } = board
// A past window with no worker: every checkpoint is due, none will be recorded.
const res = await app.inject({ method: 'POST', url: '/v1/rollouts', payload: poolAddRollout({ apps: ['RESTAPI'] }) })
const id = res.json().id as string

t.test('the list and the rollout page mark it overdue, with the reason', async t => {
  await new Promise(resolve => setTimeout(resolve, 50))
  const { page, errors } = await openPage(board)
  await page.goto(`${base}/board/`)
  const badge = page.locator(`tr[data-id="${id}"] .overdue`)
  await badge.waitFor()
  t.match(await badge.getAttribute('title'), /^checkpoint 1 \(due 11:00 Asia\/Kolkata\) is .* overdue: no worker has recorded it$/)
  t.match((await badge.innerText()).trim(), /^overdue/)

  await page.goto(`${base}/board/rollouts/${id}`)
  await page.locator('.facts .overdue').waitFor()
  t.match(await page.locator('.facts').innerText(), /closed[\s\S]*checkpoint 1 \(due 11:00 Asia\/Kolkata\) is .* overdue/, 'the gate says why')
  t.same(errors, [], 'no script error, no CSP violation')
  await page.context().close()
})

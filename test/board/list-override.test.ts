/**
 * A rollout people overrode after the decision: the list (API and board) shows their decision, which the gate
 * follows, with the automated one beside it. It showed the automated NO_GO alone, as if nobody had let it through.
 */
import t from 'tap'
import { poolAddRollout } from '../helpers/app.ts'
import { waitForState } from '../helpers/wait.ts'
import { openPage, startBoard } from './helpers.ts'

const board = await startBoard(t, 'board-list-override')
const { app, base } = board
const create = async (name: string): Promise<string> => {
  const res = await app.inject({ method: 'POST', url: '/v1/rollouts', payload: poolAddRollout({ name, apps: ['Billing.Service'] }) })
  if (res.statusCode !== 201) throw new Error(`creating the rollout answered ${res.statusCode}: ${res.body}`)
  const id = (res.json() as { id: string }).id
  await waitForState(app, id, 'decided', 120_000)
  return id
}
const overridden = await create('overridden to GO')
const plain = await create('left as decided')
const res = await app.inject({
  method: 'POST', url: `/v1/rollouts/${overridden}/override`, payload: { recommendation: 'GO', reason: 'billing owners accept the rate' }
})
if (res.statusCode !== 201) throw new Error(`the override answered ${res.statusCode}: ${res.body}`)

t.test('GET /v1/rollouts and /v1/rollouts/{id}: the override, or null', async t => {
  const items = (await app.inject('/v1/rollouts')).json().items as Array<{ id: string, recommendation: string, override: unknown }>
  const byId = new Map(items.map(i => [i.id, i]))
  t.equal(byId.get(overridden)?.recommendation, 'NO_GO', 'recommendation stays the automated decision')
  t.match(byId.get(overridden)?.override,
    { recommendation: 'GO', automated: 'NO_GO', reason: 'billing owners accept the rate', by: 'anonymous' })
  t.equal(byId.get(plain)?.override, null)
  const one = (await app.inject(`/v1/rollouts/${overridden}`)).json()
  t.equal(one.recommendation, 'NO_GO')
  t.match(one.override, { recommendation: 'GO', by: 'anonymous' }, 'GET /v1/rollouts/{id} has it too')
})

t.test('the board\'s list shows the override first, the automated decision beside it', async t => {
  const { page, errors } = await openPage(board)
  await page.goto(`${base}/board/`)
  const cell = async (id: string): Promise<string> =>
    (await page.locator(`tr[data-id="${id}"] td`).nth(1).innerText()).replace(/\s+/g, ' ').trim()
  await page.locator(`tr[data-id="${overridden}"]`).waitFor()
  t.equal(await cell(overridden), '✓ GO override · automated: ✕ NO GO')
  t.equal(await cell(plain), '✕ NO GO')
  t.same(errors, [])
})

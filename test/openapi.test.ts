import { readFileSync } from 'node:fs'
import t from 'tap'
import { OPENAPI_PATH, renderOpenApi } from '../scripts/openapi.ts'

t.test('the checked-in OpenAPI document matches the routes', async t => {
  const rendered = await renderOpenApi()
  let checkedIn = ''
  try {
    checkedIn = readFileSync(OPENAPI_PATH, 'utf8')
  } catch {}
  t.ok(checkedIn === rendered, 'openapi/openapi.json is stale: run `npm run openapi` and commit the result')
  const doc = JSON.parse(rendered)
  t.equal(doc.openapi, '3.0.3')
  for (const path of ['/v1/rollouts', '/v1/rollouts/{id}', '/v1/rollouts/{id}/cancel', '/v1/rollouts/{id}/recommendation',
    '/v1/rollouts/{id}/checkpoints', '/v1/rollouts/{id}/checkpoints/{index}', '/v1/rollouts/{id}/gate']) {
    t.ok(doc.paths[path], `documents ${path}`)
  }
  t.ok(doc.paths['/v1/rollouts/{id}/gate'].get.responses['409'], 'gate documents its 409')
  t.ok(doc.paths['/v1/rollouts'].post.responses['400'], 'create documents its 400')
})

import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import t from 'tap'

// The contract is about `npm run sim` itself, banner and all, not just the CLI file.
t.test('npm run sim prints the URL as the first line of standard output', async (t) => {
  const child = spawn('npm', ['run', 'sim', '--', '--scenario', 'src/sim/scenarios/pool-add.json', '--port', '0'], {
    cwd: new URL('../../', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  t.teardown(() => { try { process.kill(-(child.pid as number), 'SIGTERM') } catch {} })
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout })
    lines.once('line', resolve)
    child.once('exit', code => reject(new Error(`npm run sim exited with ${code}`)))
    setTimeout(() => reject(new Error('no line within 30 s')), 30_000)
  })
  t.match(first, /^http:\/\/127\.0\.0\.1:\d+\/graphql$/)
  const res = await fetch(first, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'api-key': 'any' },
    body: JSON.stringify({
      query: '{ actor { account(id: 3300001) { ' +
        'nrql(query: "SELECT count(*) FROM Transaction SINCE 1795552200000 UNTIL 1795581000000") { results } } } }'
    })
  })
  t.equal(res.status, 200)
  const body = await res.json() as { data: { actor: { account: { nrql: { results: Array<{ count: number }> } } } } }
  t.ok(body.data.actor.account.nrql.results[0].count > 0)
})

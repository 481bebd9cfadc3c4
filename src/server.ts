import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.ts'
import { loadConfig, loadDotEnv } from './config.ts'
import { ConfigError, GonogoError } from './errors.ts'
import { seedDemo } from './demo.ts'
import { startEmbeddedSimulator } from './sim/embedded.ts'

/** Process entry: configuration, optional embedded simulator, HTTP and workers by role, graceful shutdown. */
async function start (): Promise<FastifyInstance> {
  const dotEnv = loadDotEnv()
  const config = loadConfig()
  const sim = config.GONOGO_SIM_SCENARIO === undefined ? undefined : await startEmbeddedSimulator(config)
  const app = await buildApp({ config: sim?.config ?? config, nerdgraph: sim?.nerdgraph })
  if (sim !== undefined) {
    app.addHook('onClose', async () => { await sim.handle.close() })
    app.log.warn({ scenario: config.GONOGO_SIM_SCENARIO, nerdgraph: sim.nerdgraph.url, accountId: sim.config.NEW_RELIC_ACCOUNT_ID },
      'running on the embedded NerdGraph simulator, not New Relic')
  }
  closeWithGrace({ delay: 15000 }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
  })
  // Every role listens: workers answer /healthz, /readyz and /metrics for probes and scrapes.
  let address: string
  try {
    address = await app.listen({ port: config.PORT, host: config.HOST })
  } catch (err) {
    await app.close().catch(() => {})
    const code = (err as { code?: string }).code
    if (code === 'EADDRINUSE') {
      throw new GonogoError('GONOGO_LISTEN', `${config.HOST}:${config.PORT} is already in use: stop what listens there or set PORT`)
    }
    if (code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      throw new GonogoError('GONOGO_LISTEN', `cannot listen on ${config.HOST}:${config.PORT} (${code}): check HOST and PORT`)
    }
    throw err
  }
  const envFile = dotEnv ? { envFile: '.env' } : {}
  if (config.GONOGO_DEMO === 'true') {
    const token = config.apiTokens[0]?.token
    const live = sim?.handle.accounts.find(a => a !== sim.config.NEW_RELIC_ACCOUNT_ID)
    const ids = await seedDemo(app, token, live, sim?.handle.loadedAt ?? Date.now())
    app.log.info({ board: `${address}/board/`, readme: ids.past, live: ids.live },
      'demo: the README\'s rollout (decided) and a live one with a checkpoint every 5 minutes are on the board')
  }
  app.log.info({ role: config.GONOGO_ROLE, ...envFile, docs: `${address}/docs`, nerdgraph: sim?.nerdgraph.url ?? config.nerdgraphUrl },
    sim === undefined ? 'gonogo ready' : 'gonogo ready on the simulator: the README shows a one-shot analysis and a rollout to try')
  return app
}

try {
  await start()
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`gonogo: ${err.message}\n`)
    process.exit(2)
  }
  if (err instanceof GonogoError) {
    process.stderr.write(`gonogo: could not start: ${err.message}\n`)
    process.exit(1)
  }
  process.stderr.write(`gonogo: could not start: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
}

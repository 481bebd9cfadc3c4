import type { Config } from '../config.ts'
import { ConfigError } from '../errors.ts'
import { loadScenario, ScenarioError, startSimulator, type Faults, type Limits, type SimulatorHandle } from './index.ts'

const SIM_KEY = 'embedded-simulator-key'

/**
 * Starts the simulator inside the service process (GONOGO_SIM_SCENARIO), so the
 * demo and trials run without a New Relic account. The scenario's account
 * becomes the default account. `extra` sets New Relic's limits or faults on it
 * (nothing by default).
 */
export async function startEmbeddedSimulator (
  config: Config,
  extra: { limits?: Limits, faults?: Faults } = {}
): Promise<{ handle: SimulatorHandle, config: Config, nerdgraph: { url: string, apiKey: string } }> {
  // Several files, comma-separated, each answer for their own account; the first's is the default.
  const paths = (config.GONOGO_SIM_SCENARIO as string).split(',').map(p => p.trim()).filter(p => p !== '')
  const loadedAt = { now: Date.now() }
  const scenarios = paths.map(path => {
    try {
      return loadScenario(path, loadedAt)
    } catch (err) {
      if (err instanceof ScenarioError) throw new ConfigError([`GONOGO_SIM_SCENARIO ${path}: ${err.message}`])
      throw new ConfigError([`GONOGO_SIM_SCENARIO ${path}: ${(err as Error).message}`])
    }
  })
  const accounts = new Set(scenarios.map(s => s.accountId))
  if (accounts.size < scenarios.length) throw new ConfigError(['GONOGO_SIM_SCENARIO: two of its scenarios answer for the same account'])
  const [scenario, ...also] = scenarios
  const handle = await startSimulator({ scenario, also, port: 0, apiKey: SIM_KEY, warm: true, limits: extra.limits, faults: extra.faults })
  return {
    handle,
    config: {
      ...config,
      NEW_RELIC_ACCOUNT_ID: config.NEW_RELIC_ACCOUNT_ID ?? scenario.accountId,
      // The simulator computes in this process, on these cores: a huge scenario answers
      // slower than New Relic would, so unless told otherwise give it two minutes.
      NERDGRAPH_TIMEOUT_MS: process.env.NERDGRAPH_TIMEOUT_MS === undefined
        ? Math.max(config.NERDGRAPH_TIMEOUT_MS, 120_000)
        : config.NERDGRAPH_TIMEOUT_MS,
      GONOGO_ANALYSIS_TIMEOUT_MS: process.env.GONOGO_ANALYSIS_TIMEOUT_MS === undefined
        ? Math.max(config.GONOGO_ANALYSIS_TIMEOUT_MS, 120_000)
        : config.GONOGO_ANALYSIS_TIMEOUT_MS
    },
    nerdgraph: { url: handle.url, apiKey: SIM_KEY }
  }
}

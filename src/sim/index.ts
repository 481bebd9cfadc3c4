/** Public API of the NerdGraph simulator. */
export { loadScenario, parseScenario, ScenarioError } from './scenario.ts'
export { startSimulator } from './server.ts'
export type { Scenario, ScenarioApp, ScenarioEffect, ScenarioHost, ScenarioLatency, ScenarioLoadOptions } from './scenario.ts'
export type { ChangeEvent, Faults, Limits, SimulatorCounters, SimulatorHandle, SimulatorOptions, SimulatorStats } from './server.ts'
export type { FaultOutcome } from './faults.ts'

// Public entry of the simulator: start it, build scenarios, load/save state.
export { startSim, type FaultKind, type FaultPlanEntry, type RunningSim, type SimKnobs, type SimOptions } from './server';
export {
  ATTACKER_IP,
  buildHardened,
  buildIncident,
  buildScenario,
  EXFIL_HOOK_URL,
  generate,
  SCENARIOS,
  tokensOf,
  type AcmeWorld,
  type BuildScenarioOptions,
  type Generated,
  type GenerateOptions,
  type ScenarioName,
  type SimTokens,
  type Violation,
} from './scenarios';
export { loadState, saveState, validateState, SimStateError } from './store';
export type { SimState } from './state';

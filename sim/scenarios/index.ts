// Named scenarios for startSim / `npm run sim -- --scenario NAME`, and the tokens a scenario hands out.
import type { SimState } from '../state';
import type { ScenarioOptions } from './build';
import { generate } from './generate';
import { buildHardened } from './hardened';
import { buildIncident } from './incident';

export type ScenarioName = 'hardened' | 'incident' | 'generate';
export const SCENARIOS: readonly ScenarioName[] = ['hardened', 'incident', 'generate'];

export interface BuildScenarioOptions extends ScenarioOptions {
  /** generate only (default 1,000). */
  projects?: number;
  violatingFraction?: number;
}

export interface SimTokens {
  admin: string;
  owner: string;
  maintainer: string;
  developer: string;
  /** alice's (owner) read_api token. */
  readOnly: string;
  /** mallory's api token (owner of the top-level group, the incident's attacker). */
  attacker: string;
}

export function buildScenario(name: ScenarioName, opts: BuildScenarioOptions = {}): SimState {
  switch (name) {
    case 'hardened':
      return buildHardened(opts).state;
    case 'incident':
      return buildIncident(opts).state;
    case 'generate':
      return generate(opts.projects ?? 1_000, opts).state;
    default:
      throw new Error(`unknown scenario "${String(name)}"; expected one of ${SCENARIOS.join(', ')}`);
  }
}

/** The scenario users' live tokens (empty string when a loaded state lacks one). */
export function tokensOf(state: SimState): SimTokens {
  const of = (username: string, scope: 'api' | 'read_api') => {
    const user = state.users.find((u) => u.username === username);
    const t = user && state.tokens.find((x) => x.user_id === user.id && !x.revoked && x.scopes.includes(scope) && (scope !== 'read_api' || !x.scopes.includes('api')));
    return t?.token ?? '';
  };
  return {
    admin: of('root', 'api'),
    owner: of('alice', 'api'),
    maintainer: of('bob', 'api'),
    developer: of('dave', 'api'),
    readOnly: of('alice', 'read_api'),
    attacker: of('mallory', 'api'),
  };
}

export { generate, type Generated, type GenerateOptions, type Violation } from './generate';
export { buildHardened, type AcmeWorld } from './hardened';
export { buildIncident, ATTACKER_IP, EXFIL_HOOK_URL } from './incident';
export type { ScenarioOptions } from './build';

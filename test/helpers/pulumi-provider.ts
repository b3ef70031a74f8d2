// Helpers for the Pulumi suites: a sim, the provider objects Pulumi would deserialize, and a configure() that
// hands them the sim's URL and token the way the dynamic provider passes stack config.
import type * as pulumi from '@pulumi/pulumi';
import { afterAll, beforeAll, expect } from 'vitest';
import { startSim, type RunningSim, type SimOptions } from '../../sim';
import type { SimTokens } from '../../sim/scenarios';
import { providerFor } from '../../provider/serializable';
import type { ResourceType } from '../../model/resources';

/** `as`: whose token the provider uses (default the group Owner's; `admin` for InstanceSettings). */
export async function simWithProvider(opts: SimOptions, as: keyof SimTokens = 'owner') {
  const sim = await startSim(opts);
  const token = sim.tokens[as];
  const providers = {} as Record<ResourceType, pulumi.dynamic.ResourceProvider>;
  const of = (type: ResourceType) => (providers[type] ??= providerFor(type));
  // Same shape as the dynamic provider's Config: `gitlab:token` arrives already unwrapped from its secret.
  const config = { get: (k: string) => ({ 'gitlab:url': sim.url, 'gitlab:token': token })[k], require: (k: string) => String(k) };
  await of('GroupSecurity').configure!({ config });
  return { sim, token, of };
}

/** Audit events recorded after index `from`, as [event_name, entity_path] pairs. */
export function newEvents(sim: RunningSim, from: number): [string | undefined, string | undefined][] {
  return sim.state.audit_events.slice(from).map((e) => [e.details.event_name ?? e.event_name ?? undefined, e.details.entity_path]);
}

export type { RunningSim };

/**
 * One sim and its providers for a whole test file. `keep` records what a provider method returned; after the last
 * test none of it may carry the token.
 */
export function providerSuite(opts: SimOptions) {
  const leaks: string[] = [];
  let provider: ((t: ResourceType) => pulumi.dynamic.ResourceProvider) | undefined;
  const suite = {
    sim: undefined as unknown as RunningSim,
    token: '',
    of: (t: ResourceType) => provider!(t),
    keep: <T>(v: T): T => {
      leaks.push(JSON.stringify(v));
      return v;
    },
    group: (path: string) => suite.sim.state.groups.find((g) => g.full_path === path)!,
    project: (path: string) => suite.sim.state.projects.find((p) => p.path_with_namespace === path)!,
  };
  beforeAll(async () => {
    const started = await simWithProvider(opts);
    suite.sim = started.sim;
    suite.token = started.token;
    provider = started.of;
  });
  afterAll(async () => {
    // Nothing any provider method returned or threw may carry the token.
    expect(leaks.join('\n')).not.toContain(suite.token);
    await suite.sim.close();
  });
  return suite;
}

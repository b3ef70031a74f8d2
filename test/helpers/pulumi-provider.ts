// Helpers for the Pulumi suites: a sim, the provider objects Pulumi would deserialize, and a configure() that
// hands them the sim's URL and token the way the dynamic provider passes stack config.
import type * as pulumi from '@pulumi/pulumi';
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
  return sim.state.audit_events.slice(from).map((e) => [e.details.event_name ?? e.event_name, e.details.entity_path]);
}

export type { RunningSim };

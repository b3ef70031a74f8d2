// Helpers for the Pulumi suites: a sim, the provider objects Pulumi would deserialize, and a configure() that
// hands them the sim's URL and token the way the dynamic provider passes stack config.
import type * as pulumi from '@pulumi/pulumi';
import { startSim, type RunningSim, type SimOptions } from '../../sim';
import { providerFor } from '../../provider/serializable';
import type { ResourceType } from '../../model/resources';

export async function simWithProvider(opts: SimOptions) {
  const sim = await startSim(opts);
  const token = sim.tokens.owner;
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

// The reads of one target's areas (those the read plan asks for), and the instance's. Shared by the full pass and
// the --since-last pass, which asks only for the reads it could not reuse.
import type { GitlabClient } from '../../gitlab/client';
import type { GroupState, InstanceState, ProjectState } from '../../model/snapshot';
import type { ReadPlan } from './plan';
import { fetchGroupRead, fetchInstanceRead, fetchProjectRead } from './reads';
import { INSTANCE_TARGET } from '../../model/target';

/** The instance's reads (settings first, then e.g. the administrators); undefined when no instance rule runs. */
export async function readInstance(client: GitlabClient, reads: ReadPlan['instance']): Promise<InstanceState | undefined> {
  if (reads.size === 0) return undefined;
  const instance: InstanceState = { target: INSTANCE_TARGET, settings: (await fetchInstanceRead(client, 'settings')) as InstanceState['settings'] };
  for (const read of reads) if (read !== 'settings') Object.assign(instance, { [read]: await fetchInstanceRead(client, read) });
  return instance;
}

export async function readGroupAreas(client: GitlabClient, state: GroupState, reads: ReadPlan['group']): Promise<void> {
  // Ancestors come from attachAncestors, once for all groups.
  const own = [...reads].filter((r) => r !== 'ancestors');
  await Promise.all(own.map(async (read) => Object.assign(state, { [read]: await fetchGroupRead(client, state.target.id, read) })));
}

export async function readProjectAreas(client: GitlabClient, state: ProjectState, reads: ReadPlan['project']): Promise<void> {
  await Promise.all([...reads].map(async (read) => Object.assign(state, { [read]: await fetchProjectRead(client, state.target.id, read) })));
}

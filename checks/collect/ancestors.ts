// The ancestors of each group, for the two-factor rules: GitLab enforces 2FA on a member when the group or one of
// its ancestors requires it, with the shortest grace period among them (User#update_two_factor_requirement over
// expanded_groups_requiring_two_factor_authentication). Groups already in the snapshot answer from memory; only the
// ancestors above the baseline's target groups are read (GET /groups/:id?with_projects=false, once each).
import type { GitlabClient } from '../../gitlab/client';
import { getGroup, listAncestors, MAX_ANCESTORS, toAncestor } from '../../gitlab/groups';
import type { GlGroup } from '../../gitlab/types';
import type { GlGroupAncestor, GroupState } from '../../model/snapshot';
import type { Read } from '../../model/target';
import { readOf } from '../../gitlab/read';

type Lookup = (id: number) => Promise<Read<GlGroupAncestor>>;

function groupLookup(client: GitlabClient, known: Iterable<GlGroup>): Lookup {
  const cache = new Map<number, Promise<Read<GlGroupAncestor>>>();
  for (const g of known) cache.set(g.id, Promise.resolve({ ok: true, value: toAncestor(g) }));
  return (id) => {
    let hit = cache.get(id);
    if (!hit) {
      hit = readOf(async () => toAncestor(await getGroup(client, id)));
      cache.set(id, hit);
    }
    return hit;
  };
}

async function walk(parentId: number | null, lookup: Lookup): Promise<Read<GlGroupAncestor[]>> {
  const out: GlGroupAncestor[] = [];
  for (let id = parentId; id !== null && out.length < MAX_ANCESTORS; ) {
    const read = await lookup(id);
    if (!read.ok) return { ok: false, error: { ...read.error, message: `reading ancestor group ${id}: ${read.error.message}` } };
    out.push(read.value);
    id = read.value.parent_id;
  }
  return { ok: true, value: out };
}

/** Sets `ancestors` on every readable group state; a failed ancestor read is an error on the groups below it. */
export async function attachAncestors(client: GitlabClient, states: GroupState[]): Promise<void> {
  const known = states.flatMap((s) => (s.group.ok ? [s.group.value] : []));
  const lookup = groupLookup(client, known);
  for (const s of states) {
    if (s.group.ok) s.ancestors = await walk(s.group.value.parent_id, lookup);
  }
}

/** One group's ancestors, read from GitLab (revert's verification, watch's re-check). */
export async function fetchAncestors(client: GitlabClient, groupId: number): Promise<GlGroupAncestor[]> {
  return (await listAncestors(client, await getGroup(client, groupId))).map(toAncestor);
}

// The collector's `since` mode (`check --since-last`): the previous snapshot plus the audit events since it -> a
// new snapshot that re-reads only targets with relevant changes and reuses every other read. What to re-read is
// planned in checks/scale/incremental.ts (pure); this file does the reading.
import type { GitlabClient } from '../../gitlab/client';
import { listAuditEvents } from '../../gitlab/audit-events';
import { descendantGroupPages, listGroupsWithAccess } from '../../gitlab/groups';
import { getProject, getProjectAccessLevel, groupProjectPages } from '../../gitlab/projects';
import type { GlAuditEvent, GlGroup, GlProject } from '../../gitlab/types';
import type { Rule } from '../../policies/rule';
import type { Baseline } from '../../model/baseline';
import type { GitlabInfo, GroupState, InstanceState, ProjectState, Snapshot } from '../../model/snapshot';
import type { TargetErrorEntry } from '../../model/result';
import { UNAUDITED_PROJECT_READS } from '../scale/audit-changes';
import { DEFAULT_FULL_EVERY_MS, fullPassReason, mark, missingReads, planChanges, reuse, SAFETY_MARGIN_MS } from '../scale/incremental';
import { attachAncestors } from './ancestors';
import { readGroupAreas, readInstance, readProjectAreas } from './areas';
import { planReads, scopeKeyOf, type ReadPlan } from './plan';
import { forEachPooled } from '../../lib/pool';
import { readOf } from '../../gitlab/read';
import { readTargetGroup, selectTargets } from '../../gitlab/targets';
import { groupRef, projectRef } from '../../model/target';

export interface SinceOptions {
  rules: readonly Rule[];
  gitlab: GitlabInfo;
  now: () => Date;
  fullEveryMs?: number;
  width?: number;
}

export interface SinceRun {
  snapshot: Snapshot;
  /** Targets read again this run (enrichment reads only these). */
  reread: { groups: Set<number>; projects: Set<number> };
  /** What the user should know: how events were read, what was reused. */
  notes: string[];
  events: number;
}

export type SinceOutcome = ({ mode: 'incremental' } & SinceRun) | { mode: 'full'; reason: string };

type EventsRead =
  | { ok: true; events: GlAuditEvent[]; unreadableProjects: Set<number>; notes: string[] }
  | { ok: false; reason: string };

/**
 * Audit events since `createdAfter`. An admin reads the instance list once (all entities); anyone else reads
 * each group's and each project's list (group events cover only the group itself), which is one request per
 * project at least. A project whose events cannot be read is re-read fully instead. Lists that GitLab filters
 * to the token's own events are never trusted (`eventsComplete`).
 */
export async function readEventsSince(client: GitlabClient, prev: Snapshot, createdAfter: string, isAdmin: boolean, width: number): Promise<EventsRead> {
  const one = { readAhead: 1 };
  const query = { created_after: createdAfter };
  if (isAdmin) {
    const read = await readOf(() => listAuditEvents(client, { kind: 'instance' }, query, one));
    if (read.ok) return { ok: true, events: read.value, unreadableProjects: new Set(), notes: ['audit events: one instance-wide read (admin token)'] };
    return { ok: false, reason: `instance audit events could not be read: ${read.error.message}` };
  }
  const complete = await eventsComplete(client, prev);
  if (complete !== true) return { ok: false, reason: complete };
  const events: GlAuditEvent[] = [];
  for (const g of prev.groups) {
    const read = await readOf(() => listAuditEvents(client, { kind: 'group', id: g.target.id }, query, one));
    if (!read.ok) return { ok: false, reason: `audit events of group ${g.target.path} could not be read: ${read.error.message}` };
    events.push(...read.value);
  }
  const unreadable = new Set<number>();
  await forEachPooled(prev.projects, width, async (p) => {
    const read = await readOf(() => listAuditEvents(client, { kind: 'project', id: p.target.id }, query, one));
    if (read.ok) events.push(...read.value);
    else unreadable.add(p.target.id);
  });
  const notes = [
    `audit events: read per group and per project (${prev.groups.length + prev.projects.length} lists) because the token is not an admin's; ` +
      'an admin token reads them in one instance-wide list, so incremental runs save much more with it',
  ];
  if (unreadable.size > 0) notes.push(`audit events of ${unreadable.size} project(s) could not be read: those projects were read fully`);
  return { ok: true, events, unreadableProjects: unreadable, notes };
}

const OWNER = 50;
const MAINTAINER = 40;

/**
 * Whether the token sees every audit event of the snapshot's groups and projects, or why not. GitLab filters a
 * group's list to the caller's own events unless the caller can `admin_group` (Owner), and a project's unless it can
 * `admin_project` (Maintainer): `EE::API::Groups#filter_by_author`, `EE::API::Projects#filter_by_author`
 * (docs/gitlab-behaviour.md, "Audit events"). Owned groups come from `GET /groups?min_access_level=50`, which
 * includes their descendants (`GroupsFinder#groups_with_min_access_level`); a project outside them is checked by
 * its `permissions`.
 */
export async function eventsComplete(client: GitlabClient, prev: Snapshot): Promise<true | string> {
  const owned = await readOf(() => listGroupsWithAccess(client, OWNER));
  if (!owned.ok) return `could not tell which target groups the token owns (GET /groups?min_access_level=50): ${owned.error.message}`;
  const ownedIds = new Set(owned.value.map((g) => g.id));
  const notOwned = prev.groups.filter((g) => !ownedIds.has(g.target.id));
  if (notOwned.length > 0) {
    const more = notOwned.length > 1 ? ` and ${notOwned.length - 1} other group(s)` : '';
    return `the token is not an Owner of ${notOwned[0]!.target.path}${more}: GitLab shows a Developer or Maintainer only the group audit events they authored, so changes by others would be missed`;
  }
  for (const p of prev.projects) {
    const ns = p.project.ok ? p.project.value.namespace : undefined;
    if (ns && ns.kind === 'group' && ownedIds.has(ns.id)) continue;
    const read = await readOf(() => getProjectAccessLevel(client, p.target.id));
    if (!read.ok) return `could not tell the token's role on ${p.target.path}: ${read.error.message}`;
    const level = read.value;
    if (level < MAINTAINER) return `the token is not a Maintainer of ${p.target.path}: GitLab shows a Developer only the project audit events they authored, so changes by others would be missed`;
  }
  return true;
}

/** The incremental pass; `{mode: 'full'}` tells collect() to run the full pass instead, and why. */
export async function collectSince(client: GitlabClient, baseline: Baseline, prev: Snapshot | undefined, opts: SinceOptions): Promise<SinceOutcome> {
  const now = opts.now();
  const key = scopeKeyOf(baseline, opts.gitlab, opts.rules);
  const reason = fullPassReason(prev, key, now, opts.fullEveryMs ?? DEFAULT_FULL_EVERY_MS, opts.gitlab);
  if (reason || !prev) return { mode: 'full', reason: reason ?? 'no previous snapshot' };
  const width = opts.width ?? 32;
  const createdAfter = new Date(Date.parse(prev.takenAt) - SAFETY_MARGIN_MS).toISOString();

  const read = await readEventsSince(client, prev, createdAfter, opts.gitlab.isAdmin, width);
  if (!read.ok) return { mode: 'full', reason: read.reason };
  const changes = planChanges(prev, read.events);
  if (changes.fullPass) return { mode: 'full', reason: changes.fullPass };
  for (const id of read.unreadableProjects) mark(changes.projects, id, 'full');

  const plan = planReads(opts.rules, opts.gitlab);
  const listing = await listSince(client, baseline, prev);
  const takenAt = now.toISOString();
  const reread = { groups: new Set<number>(), projects: new Set<number>() };

  const prevGroups = new Map(prev.groups.map((g) => [g.target.id, g] as const));
  const groups: GroupState[] = listing.groups.map((g) => {
    const state: GroupState = { target: groupRef(g), topLevel: g.parent_id === null, group: { ok: true, value: g } };
    reuse(state, prevGroups.get(g.id), plan.group, changes.groups.get(g.id), reread.groups, g.id);
    return state;
  });
  const groupWork = groups.filter((g) => missingReads(g, plan.group).length > 0);
  await forEachPooled(groupWork, width, (state) => readGroupAreas(client, state, new Set(missingReads(state, plan.group)) as ReadPlan['group']));
  // Ancestors are never reused: a change on a parent (audited there) changes what its subgroups enforce.
  if (plan.group.has('ancestors')) await attachAncestors(client, groups);

  // Known projects: the entity from today's listing, reads reused or read again where events say so; projects
  // listed but not known (new, or moved in: a transfer keeps the id) are read fully.
  const projects: ProjectState[] = [];
  const entityRereads: ProjectState[] = [];
  for (const old of prev.projects) {
    if (listing.droppedIds.has(old.target.id)) continue;
    const marked = changes.projects.get(old.target.id);
    const listed = listing.listed.get(old.target.id);
    const state: ProjectState = listed ? { target: projectRef(listed), project: { ok: true, value: listed } } : { target: old.target, project: old.project };
    if (!listed && (marked === 'full' || marked?.has('project') || !old.project.ok)) entityRereads.push(state);
    reuse(state, old, plan.project, marked, reread.projects, old.target.id);
    // Settings GitLab does not audit when changed through REST: read again on every run, whatever the events say.
    for (const r of UNAUDITED_PROJECT_READS) if (plan.project.has(r)) delete (state as Partial<ProjectState>)[r];
    projects.push(state);
  }
  const dropped: number[] = [];
  await forEachPooled(entityRereads, width, async (state) => {
    const fresh = await readOf(() => getProject(client, state.target.id));
    // A 404 after a deletion event: the project is gone and drops out. A 404 without one stays an error.
    if (!fresh.ok && fresh.error.status === 404 && changes.gone.has(state.target.id)) dropped.push(state.target.id);
    state.project = fresh;
    if (fresh.ok) state.target = projectRef(fresh.value);
  });
  for (const p of listing.newProjects) {
    projects.push({ target: projectRef(p), project: { ok: true, value: p } });
    reread.projects.add(p.id);
  }
  const kept = projects.filter((p) => !dropped.includes(p.target.id));
  const projectWork = kept.filter((p) => p.project.ok && missingReads(p, plan.project).length > 0);
  await forEachPooled(projectWork, width, (state) => readProjectAreas(client, state, new Set(missingReads(state, plan.project)) as ReadPlan['project']));
  kept.sort((a, b) => (a.target.path < b.target.path ? -1 : a.target.path > b.target.path ? 1 : 0));

  const instance: InstanceState | undefined = await readInstance(client, plan.instance);

  const reusedProjects = kept.length - reread.projects.size;
  const notes = [
    ...read.notes,
    `incremental since ${prev.takenAt}: ${read.events.length} audit event(s); re-read ${reread.projects.size} project(s) and ${reread.groups.size} group(s), ` +
      `reused ${Math.max(0, reusedProjects)} project(s)${listing.newProjects.length ? `; ${listing.newProjects.length} new or moved in` : ''}` +
      `${dropped.length ? `; ${dropped.length} deleted` : ''}${listing.droppedIds.size ? `; ${listing.droppedIds.size} no longer in the target groups` : ''}`,
    ...(UNAUDITED_PROJECT_READS.some((r) => plan.project.has(r))
      ? ['the job token scope of every project is read on each run: GitLab does not audit changes made to it through the REST API']
      : []),
    `settings GitLab does not audit (webhook edits, group Git abuse limits) are as of the last full pass, ${prev.fullPassAt}`,
  ];
  return {
    mode: 'incremental',
    snapshot: {
      schemaVersion: 1,
      takenAt,
      gitlab: opts.gitlab,
      ...(instance ? { instance } : {}),
      groups,
      projects: kept,
      errors: listing.errors,
      fullPassAt: prev.fullPassAt!,
      scopeKey: key,
    },
    reread,
    notes,
    events: read.events.length,
  };
}

interface Listing {
  groups: GlGroup[];
  /** Projects in scope today that the previous snapshot did not have: new, or moved in (a transfer keeps the id). */
  newProjects: GlProject[];
  /** Known projects in scope today, by id, with today's entity from the listing. */
  listed: Map<number, GlProject>;
  /** Known projects no longer in scope: absent from a target group's complete listing (moved out, deleted, excluded). */
  droppedIds: Set<number>;
  errors: TargetErrorEntry[];
}

/**
 * Groups and projects are listed again in full (100 per page): that refreshes settings not all audited (2FA,
 * visibility, public_jobs, the top group's Git abuse limits) and finds projects that moved in or out of the target
 * groups. `Projects::TransferService` keeps a moved project's id (and audits `project_namespace_updated` on the
 * project, which a non-admin token cannot see before the project is known), so ids, not events, decide.
 */
async function listSince(client: GitlabClient, baseline: Baseline, prev: Snapshot): Promise<Listing> {
  const groups: GlGroup[] = [];
  const listedProjects: GlProject[] = [];
  const errors: TargetErrorEntry[] = [];
  const known = new Set(prev.projects.map((p) => p.target.id));
  const completeRoots: string[] = [];
  for (const path of baseline.targets.groups) {
    const top = await readTargetGroup(client, path, errors);
    if (!top) continue;
    groups.push(top);
    const target = groupRef(top);
    const subgroups = await readOf(async () => {
      const out: GlGroup[] = [];
      for await (const page of descendantGroupPages(client, top.id)) out.push(...page);
      return out;
    });
    if (subgroups.ok) groups.push(...subgroups.value);
    else errors.push({ target, message: `listing subgroups failed: ${subgroups.error.message}` });
    const all = await readOf(async () => {
      const out: GlProject[] = [];
      for await (const page of groupProjectPages(client, top.id)) out.push(...page);
      return out;
    });
    if (all.ok) {
      listedProjects.push(...all.value);
      completeRoots.push(top.full_path.toLowerCase());
    } else errors.push({ target, message: `listing projects failed: ${all.error.message}` });
  }
  for (const path of baseline.targets.projects) {
    const project = await readOf(() => getProject(client, path));
    if (project.ok) listedProjects.push(project.value);
    else errors.push({ target: { kind: 'project', path, id: 0 }, message: project.error.message });
  }
  const selected = selectTargets(baseline, groups, listedProjects);
  const listed = new Map(selected.projects.map((p) => [p.id, p] as const));
  const singles = new Set(baseline.targets.projects.map((p) => p.toLowerCase()));
  const underComplete = (path: string) => completeRoots.some((r) => path.toLowerCase().startsWith(`${r}/`));
  const droppedIds = new Set<number>();
  for (const p of prev.projects) {
    if (listed.has(p.target.id) || singles.has(p.target.path.toLowerCase())) continue;
    // Only a complete listing of the group it was in can say it left; otherwise the listing error is reported.
    if (underComplete(p.target.path)) droppedIds.add(p.target.id);
  }
  return {
    groups: selected.groups,
    newProjects: selected.projects.filter((p) => !known.has(p.id)),
    listed: new Map([...listed].filter(([id]) => known.has(id))),
    droppedIds,
    errors,
  };
}

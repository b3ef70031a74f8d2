// `check --since-last`: the previous snapshot plus the audit events since it -> a new snapshot that re-reads only
// targets with relevant changes and reuses every other read. Settings GitLab does not audit (public_jobs,
// group Git abuse limits, webhook edits: gitlab-api.md §4) are caught by the periodic full pass (--full-every)
// and, for group entities, by listing the groups again on every run (one page per 100 groups).
import { createHash } from 'node:crypto';
import type { GitlabClient } from '../../gitlab/client';
import { listAuditEvents } from '../../gitlab/audit-events';
import { descendantGroupPages } from '../../gitlab/groups';
import { getApplicationSettings } from '../../gitlab/instance';
import { getProject, groupProjectPages } from '../../gitlab/projects';
import type { GlAuditEvent, GlGroup, GlProject } from '../../gitlab/types';
import { tierAtLeast, type Rule } from '../../policies/rule';
import type { Baseline } from '../baseline/types';
import { selectTargets } from '../baseline/targets';
import { groupRef, INSTANCE_TARGET, projectRef, readGroupAreas, readProjectAreas, readTargetGroup } from '../collect';
import { planReads, type ReadPlan } from '../collect/plan';
import { forEachPooled } from '../collect/pool';
import { readOf } from '../collect/read';
import type { GitlabInfo, GroupState, InstanceState, ProjectState, Snapshot } from '../../model/snapshot';
import type { Read } from '../../model/target';
import type { TargetErrorEntry } from '../../model/result';
import { effectOf, forcesFullPass } from './audit-changes';

export const DEFAULT_FULL_EVERY_MS = 24 * 3_600_000;
/** Events are read from a little before the previous snapshot: GitLab's clock and ours may differ, and an
 * event written while the previous run was reading must not fall between the two runs. */
export const SAFETY_MARGIN_MS = 10 * 60_000;

export interface IncrementalOptions {
  rules: readonly Rule[];
  gitlab: GitlabInfo;
  only?: readonly string[];
  now: () => Date;
  fullEveryMs?: number;
  width?: number;
}

export interface IncrementalRun {
  snapshot: Snapshot;
  /** Targets read again this run (enrichment reads only these). */
  reread: { groups: Set<number>; projects: Set<number> };
  /** What the user should know: how events were read, what was reused. */
  notes: string[];
  events: number;
}

export type IncrementalOutcome = ({ mode: 'incremental' } & IncrementalRun) | { mode: 'full'; reason: string };

/** The scope a snapshot's reads are valid for: same GitLab, targets, rule selection, tier and role. */
export function scopeKeyOf(baseline: Pick<Baseline, 'targets'>, gitlab: GitlabInfo, rules: readonly Rule[]): string {
  const plan = planReads(rules, gitlab);
  const key = {
    url: gitlab.url.replace(/\/+$/, ''),
    targets: baseline.targets,
    tier: gitlab.tier,
    isAdmin: gitlab.isAdmin,
    rules: rules.map((r) => r.id).sort(),
    reads: [[...plan.project].sort(), [...plan.group].sort(), [...plan.instance].sort()],
  };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
}

/** Why the previous snapshot cannot be the base of an incremental run, or undefined when it can. Pure. */
export function fullPassReason(prev: Snapshot | undefined, scopeKey: string, now: Date, fullEveryMs: number, gitlab: Pick<GitlabInfo, 'tier'>): string | undefined {
  if (!prev) return 'no previous snapshot in the state directory (this run saves one)';
  if (!tierAtLeast(gitlab.tier, 'premium')) return `audit events need Premium (detected ${gitlab.tier})`;
  if (prev.shard) return 'the previous snapshot is one shard; incremental runs need an unsharded one';
  if (!prev.fullPassAt) return 'the previous snapshot does not say when its full pass was';
  if (prev.scopeKey !== scopeKey) return 'the baseline targets, rule selection, tier, role or GitLab URL changed since the previous snapshot';
  const age = now.getTime() - Date.parse(prev.fullPassAt);
  if (!(age >= 0)) return `the previous full pass (${prev.fullPassAt}) is in the future`;
  if (age > fullEveryMs) return `the last full pass (${prev.fullPassAt}) is older than --full-every; settings GitLab does not audit are read again`;
  return undefined;
}

type Rereads = Map<number, Set<string> | 'full'>;

export interface ChangePlan {
  projects: Rereads;
  groups: Rereads;
  /** Projects whose events say they were deleted: dropped when a read confirms (404). */
  gone: Set<number>;
  /** An event that only a full pass answers safely. */
  fullPass?: string;
}

function mark(map: Rereads, id: number, reads: readonly string[] | 'full'): void {
  const cur = map.get(id);
  if (cur === 'full') return;
  if (reads === 'full') return void map.set(id, 'full');
  const set = cur ?? new Set<string>();
  for (const r of reads) set.add(r);
  map.set(id, set);
}

/** Audit events -> which reads of which targets to repeat. Pure. */
export function planChanges(prev: Snapshot, events: readonly GlAuditEvent[]): ChangePlan {
  const out: ChangePlan = { projects: new Map(), groups: new Map(), gone: new Set() };
  const groupPath = new Map(prev.groups.map((g) => [g.target.id, g.target.path] as const));
  for (const e of events) {
    const full = forcesFullPass(e);
    if (full) {
      out.fullPass ??= full;
      continue;
    }
    if (e.entity_type !== 'Project' && e.entity_type !== 'Group') continue;
    const effect = effectOf(e);
    const map = e.entity_type === 'Project' ? out.projects : out.groups;
    switch (effect.kind) {
      case 'none':
        break;
      case 'unknown':
        mark(map, e.entity_id, 'full');
        break;
      case 'gone':
        mark(map, e.entity_id, 'full');
        if (e.entity_type === 'Project') out.gone.add(e.entity_id);
        break;
      case 'reads':
        mark(map, e.entity_id, (e.entity_type === 'Project' ? effect.project : effect.group) ?? []);
        break;
      case 'cascade': {
        mark(out.groups, e.entity_id, effect.group);
        const path = groupPath.get(e.entity_id);
        if (path === undefined) break;
        for (const p of prev.projects) {
          if (p.target.path.toLowerCase().startsWith(`${path.toLowerCase()}/`)) mark(out.projects, p.target.id, effect.projects);
        }
        break;
      }
    }
  }
  return out;
}

type EventsRead =
  | { ok: true; events: GlAuditEvent[]; unreadableProjects: Set<number>; notes: string[] }
  | { ok: false; reason: string };

/**
 * Audit events since `createdAfter`. An admin reads the instance list once (all entities); anyone else reads
 * each group's and each project's list (gitlab-api.md §4: group events cover only the group itself), which is
 * one request per project at least. A project whose events cannot be read is re-read fully instead.
 */
export async function readEventsSince(client: GitlabClient, prev: Snapshot, createdAfter: string, isAdmin: boolean, width: number): Promise<EventsRead> {
  const one = { readAhead: 1 };
  const query = { created_after: createdAfter };
  if (isAdmin) {
    const read = await readOf(() => listAuditEvents(client, { kind: 'instance' }, query, one));
    if (read.ok) return { ok: true, events: read.value, unreadableProjects: new Set(), notes: ['audit events: one instance-wide read (admin token)'] };
    return { ok: false, reason: `instance audit events could not be read: ${read.error.message}` };
  }
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

/** The incremental collection; `{mode: 'full'}` tells the caller to run the ordinary full collect, and why. */
export async function collectSinceLast(client: GitlabClient, baseline: Baseline, prev: Snapshot | undefined, opts: IncrementalOptions): Promise<IncrementalOutcome> {
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

  // Known projects: reused, or read again where events say so; new ones (ids above the previous maximum) fully.
  const projects: ProjectState[] = [];
  const entityRereads: ProjectState[] = [];
  for (const old of prev.projects) {
    if (listing.droppedIds.has(old.target.id)) continue;
    const marked = changes.projects.get(old.target.id);
    const state: ProjectState = { target: old.target, project: old.project };
    if (marked === 'full' || marked?.has('project') || !old.project.ok) entityRereads.push(state);
    reuse(state, old, plan.project, marked, reread.projects, old.target.id);
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

  const instance: InstanceState | undefined = plan.instance.has('settings')
    ? { target: INSTANCE_TARGET, settings: await readOf(() => getApplicationSettings(client)) }
    : undefined;

  const reusedProjects = kept.length - reread.projects.size;
  const notes = [
    ...read.notes,
    `incremental since ${prev.takenAt}: ${read.events.length} audit event(s); re-read ${reread.projects.size} project(s) and ${reread.groups.size} group(s), ` +
      `reused ${Math.max(0, reusedProjects)} project(s)${listing.newProjects.length ? `; ${listing.newProjects.length} new` : ''}${dropped.length ? `; ${dropped.length} deleted` : ''}`,
    `settings GitLab does not audit (public_jobs, webhook edits) are as of the last full pass, ${prev.fullPassAt}`,
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

/** Copies the previous reads that are still good into `state`; marked, failed or missing reads stay for reading. */
function reuse<S extends object>(
  state: S,
  old: S | undefined,
  planned: ReadonlySet<string>,
  marked: Set<string> | 'full' | undefined,
  reread: Set<number>,
  id: number,
): void {
  if (!old || marked === 'full') {
    reread.add(id);
    return;
  }
  if (marked) reread.add(id);
  for (const key of planned) {
    const was = (old as Record<string, Read<unknown> | undefined>)[key];
    if (marked?.has(key) || !was || !was.ok) {
      reread.add(id);
      continue;
    }
    (state as Record<string, unknown>)[key] = was;
  }
  // Enrichment reads (second pass) stay with a target nobody touched; a re-read target gets them fresh.
  if (!reread.has(id)) {
    for (const [k, v] of Object.entries(old)) if (!(k in state) && v && typeof v === 'object' && 'ok' in v) (state as Record<string, unknown>)[k] = v;
  }
}

function missingReads(state: object, planned: ReadonlySet<string>): string[] {
  return [...planned].filter((k) => (state as Record<string, unknown>)[k] === undefined);
}

interface Listing {
  groups: GlGroup[];
  newProjects: GlProject[];
  /** Known projects no longer in scope (a single baseline project that now 404s is an error instead). */
  droppedIds: Set<number>;
  errors: TargetErrorEntry[];
}

/**
 * Groups are listed again in full (cheap: 100 per page, and it refreshes 2FA, visibility and the top group's
 * Git abuse limits, which are not all audited). Projects are not: only the newest, by id descending, until an
 * id the previous snapshot already knew.
 */
async function listSince(client: GitlabClient, baseline: Baseline, prev: Snapshot): Promise<Listing> {
  const groups: GlGroup[] = [];
  const fresh: GlProject[] = [];
  const errors: TargetErrorEntry[] = [];
  const known = new Set(prev.projects.map((p) => p.target.id));
  const maxKnown = prev.projects.reduce((m, p) => Math.max(m, p.target.id), 0);
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
    const newest = await readOf(async () => {
      const out: GlProject[] = [];
      // Newest first: stop at the first page that reaches an id the previous snapshot knew.
      for await (const page of groupProjectPages(client, top.id, { sort: 'desc' }, { readAhead: 1 })) {
        for (const p of page) if (p.id > maxKnown && !known.has(p.id)) out.push(p);
        if (page.length === 0 || page.some((p) => p.id <= maxKnown)) break;
      }
      return out;
    });
    if (newest.ok) fresh.push(...newest.value);
    else errors.push({ target, message: `listing new projects failed: ${newest.error.message}` });
  }
  const droppedIds = new Set<number>();
  for (const path of baseline.targets.projects) {
    const project = await readOf(() => getProject(client, path));
    if (project.ok) {
      if (!known.has(project.value.id)) fresh.push(project.value);
    } else errors.push({ target: { kind: 'project', path, id: 0 }, message: project.error.message });
  }
  const selected = selectTargets(baseline, groups, fresh);
  // Subgroups that are gone from the listing take nothing with them here: their projects' deletion events do.
  return { groups: selected.groups, newProjects: selected.projects, droppedIds, errors };
}

// `check --since-last`, the planning half (pure): whether the previous snapshot can be the base of an incremental
// pass, which reads of which targets the audit events since it invalidate, and which of its reads are still good.
// The collector's `since` mode (checks/collect/since.ts) does the reading. Settings GitLab does not audit are
// read again on every run where that is cheap: groups and projects are listed again (100 per page), which
// refreshes the group and project entities (2FA, visibility, public_jobs) and finds projects moved in or out (a
// move keeps the id); the job token scope has no cheap source and is read per project. Webhook edits and group
// Git abuse limits are caught by the periodic full pass (--full-every). See docs/gitlab-behaviour.md, "Audit events".
import type { GlAuditEvent } from '../../gitlab/types';
import { tierAtLeast } from '../../policies/rule';
import type { GitlabInfo, Snapshot } from '../../model/snapshot';
import type { Read } from '../../model/target';
import { effectOf, forcesFullPass } from './audit-changes';

export const DEFAULT_FULL_EVERY_MS = 24 * 3_600_000;
/** Events are read from a little before the previous snapshot: GitLab's clock and ours may differ, and an
 * event written while the previous run was reading must not fall between the two runs. */
export const SAFETY_MARGIN_MS = 10 * 60_000;

/** Why the previous snapshot cannot be the base of an incremental run, or undefined when it can. Pure. */
export function fullPassReason(prev: Snapshot | undefined, scopeKey: string, now: Date, fullEveryMs: number, gitlab: Pick<GitlabInfo, 'tier' | 'namespaces'>): string | undefined {
  if (!prev) return 'no previous snapshot in the state directory (this run saves one)';
  if (!tierAtLeast(gitlab.tier, 'premium')) return `audit events need Premium (detected ${gitlab.tier})`;
  // The incremental pass plans one set of reads for every target; per-namespace tiers that differ need the full one.
  const tiers = new Set(Object.values(gitlab.namespaces ?? {}).map((n) => ('tier' in n ? n.tier : 'undetermined')));
  if (tiers.size > 1) return `the targets' top-level namespaces have different tiers (${[...tiers].sort().join(', ')})`;
  if (prev.shard) return 'the previous snapshot is one shard; incremental runs need an unsharded one';
  if (!prev.fullPassAt) return 'the previous snapshot does not say when its full pass was';
  if (prev.scopeKey !== scopeKey) return 'the baseline targets, rule selection, tier, role or GitLab URL changed since the previous snapshot';
  const age = now.getTime() - Date.parse(prev.fullPassAt);
  if (!(age >= 0)) return `the previous full pass (${prev.fullPassAt}) is in the future`;
  if (age > fullEveryMs) return `the last full pass (${prev.fullPassAt}) is older than --full-every; settings GitLab does not audit are read again`;
  return undefined;
}

export type Rereads = Map<number, Set<string> | 'full'>;

export interface ChangePlan {
  projects: Rereads;
  groups: Rereads;
  /** Projects whose events say they were deleted: dropped when a read confirms (404). */
  gone: Set<number>;
  /** An event that only a full pass answers safely. */
  fullPass?: string;
}

export function mark(map: Rereads, id: number, reads: readonly string[] | 'full'): void {
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

/** Copies the previous reads that are still good into `state`; marked, failed or missing reads stay for reading. */
export function reuse<S extends object>(
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

export function missingReads(state: object, planned: ReadonlySet<string>): string[] {
  return [...planned].filter((k) => (state as Record<string, unknown>)[k] === undefined);
}

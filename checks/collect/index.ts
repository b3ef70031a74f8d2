// Live GitLab -> Snapshot, with as few requests as the API allows: project settings come from the group
// project listing (100 per page), and per-target calls are made only for what has no list form and only for
// areas an active rule needs. Every failure stays on its target as an error. Two modes: `full` reads every
// target; `since` (check --since-last) starts from the previous snapshot and re-reads only what the audit events
// since it touched (./since.ts), falling back to a full pass when that cannot be trusted.
import type { GitlabClient } from '../../gitlab/client';
import type { Baseline } from '../../model/baseline';
import type { GitlabInfo, GroupState, ProjectState, Snapshot } from '../../model/snapshot';
import type { TargetRef } from '../../model/target';
import type { Rule } from '../../policies/rule';
import { planReads, planReadsFor, scopeKeyOf, type ReadPlan } from './plan';
import { forEachPooled } from '../../lib/pool';
import { checkResponse, READ_SCHEMAS } from '../../gitlab/schemas';
import { toReadError } from '../../gitlab/errors';
import type { Read } from '../../model/target';
import { attachAncestors } from './ancestors';
import { readGroupAreas, readInstance, readProjectAreas } from './areas';
import { fetchGroupRead, fetchProjectRead } from './reads';
import { collectSince } from './since';
import { resolveTargets } from '../../gitlab/targets';
import { groupRef, INSTANCE_TARGET, projectRef } from '../../model/target';
import { inShard, type Shard } from '../scale/shard';

/** `full`: read every target. `since`: reuse the previous snapshot's reads that no audit event since touched. */
export type CollectMode = { kind: 'full' } | { kind: 'since'; previous: Snapshot | undefined; fullEveryMs?: number };

export interface CollectOptions {
  rules: readonly Rule[];
  gitlab: GitlabInfo;
  now?: () => Date;
  /** Default full. */
  mode?: CollectMode;
  /** Targets worked on at once; the client's limiter bounds the HTTP requests themselves. */
  width?: number;
  onProgress?: (done: number, total: number) => void;
  /** What the user should know about the pass: how `since` read its events and what it reused, or why it ran full. */
  onNote?: (text: string) => void;
  /** `check --shard I/N`: read only this slice of the listed targets (instance settings only in shard 1). */
  shard?: Shard;
}

export interface Collected {
  pass: 'full' | 'incremental';
  snapshot: Snapshot;
  /** Incremental pass: the targets read again (enrichment needs only these); a full pass read all of them. */
  reread?: { groups: Set<number>; projects: Set<number> };
  /** Incremental pass: audit events read. */
  events?: number;
}

export async function collect(client: GitlabClient, baseline: Baseline, opts: CollectOptions): Promise<Collected> {
  const now = opts.now ?? (() => new Date());
  const mode = opts.mode ?? { kind: 'full' };
  if (mode.kind === 'since') {
    const outcome = await collectSince(client, baseline, mode.previous, {
      rules: opts.rules,
      gitlab: opts.gitlab,
      now,
      ...(mode.fullEveryMs ? { fullEveryMs: mode.fullEveryMs } : {}),
      ...(opts.width ? { width: opts.width } : {}),
    });
    if (outcome.mode === 'incremental') {
      for (const note of outcome.notes) opts.onNote?.(note);
      return { pass: 'incremental', snapshot: outcome.snapshot, reread: outcome.reread, events: outcome.events };
    }
    opts.onNote?.(`full check: ${outcome.reason}`);
  }
  return { pass: 'full', snapshot: await collectFull(client, baseline, opts, now) };
}

/** Every target in scope (of this shard) read afresh. */
async function collectFull(client: GitlabClient, baseline: Baseline, opts: CollectOptions, now: () => Date): Promise<Snapshot> {
  const takenAt = now().toISOString();
  const plan = planReads(opts.rules, opts.gitlab);
  const planFor = planReadsFor(opts.rules, opts.gitlab);
  const all = await resolveTargets(client, baseline);
  // Listing happens in every shard (100 per page); per-target reads only for this shard's targets.
  const resolved = opts.shard
    ? { ...all, groups: all.groups.filter((g) => inShard(groupRef(g), opts.shard)), projects: all.projects.filter((p) => inShard(projectRef(p), opts.shard)) }
    : all;
  const width = opts.width ?? 32;
  const total = resolved.groups.length + resolved.projects.length;
  let done = 0;
  const tick = () => opts.onProgress?.(++done, total);

  // Listed entities are checked one by one: a project whose answer does not fit is an error on that project only.
  const groups: GroupState[] = resolved.groups.map((g) => ({
    target: groupRef(g),
    topLevel: g.parent_id === null,
    group: listedRead(READ_SCHEMAS.group.group, g, `/groups/${g.id}`),
  }));
  const projects: ProjectState[] = resolved.projects.map((p) => ({ target: projectRef(p), project: listedRead(READ_SCHEMAS.project.project, p, `/projects/${p.id}`) }));

  await forEachPooled(groups, width, async (state) => {
    await readGroupAreas(client, state, planFor(state.target).group);
    tick();
  });
  if (groups.some((g) => planFor(g.target).group.has('ancestors'))) await attachAncestors(client, groups);
  await forEachPooled(projects, width, async (state) => {
    await readProjectAreas(client, state, planFor(state.target).project);
    tick();
  });

  const instance = inShard(INSTANCE_TARGET, opts.shard) ? await readInstance(client, plan.instance) : undefined;

  return {
    schemaVersion: 1,
    takenAt,
    gitlab: opts.gitlab,
    ...(instance ? { instance } : {}),
    groups,
    projects,
    errors: resolved.errors,
    ...(opts.shard ? { shard: opts.shard } : {}),
    // A later --since-last run starts from this snapshot only within the same scope, until --full-every passes.
    fullPassAt: takenAt,
    scopeKey: scopeKeyOf(baseline, opts.gitlab, opts.rules),
  };
}

/**
 * Second pass: reads some rules want only where they found something (ReadPlan.enrich), e.g. whether an
 * approval flag is locked by the group. Mutates the snapshot; the caller evaluates again afterwards.
 */
export async function enrich(
  client: GitlabClient,
  snapshot: Snapshot,
  rules: readonly Rule[],
  findings: readonly { rule: string; target: TargetRef }[],
  width = 32,
): Promise<number> {
  const planFor = planReadsFor(rules, snapshot.gitlab);
  const byPath = new Map(snapshot.projects.map((p) => [p.target.path, p] as const));
  const groupByPath = new Map(snapshot.groups.map((g) => [g.target.path, g] as const));
  const work: (() => Promise<void>)[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    const plan: ReadPlan = planFor(f.target);
    for (const [read, ruleIds] of f.target.kind === 'project' ? plan.enrich.project : plan.enrich.group) {
      const key = `${f.target.kind}:${f.target.path}:${read}`;
      if (!ruleIds.has(f.rule) || seen.has(key)) continue;
      seen.add(key);
      if (f.target.kind === 'project') {
        const state = byPath.get(f.target.path);
        if (state) work.push(async () => void Object.assign(state, { [read]: await fetchProjectRead(client, state.target.id, read as never) }));
      } else if (f.target.kind === 'group') {
        const state = groupByPath.get(f.target.path);
        if (state) work.push(async () => void Object.assign(state, { [read]: await fetchGroupRead(client, state.target.id, read as never) }));
      }
    }
  }
  await forEachPooled(work, width, (job) => job());
  return work.length;
}

function listedRead<T>(schema: Parameters<typeof checkResponse>[0], value: T, path: string): Read<T> {
  try {
    return { ok: true, value: checkResponse(schema, value, path) };
  } catch (err) {
    return { ok: false, error: toReadError(err) };
  }
}

// One audit event -> which rules it can affect -> a snapshot of just that target -> the evaluator's result.
// The event -> rules mapping is the rules' own audit sources (rule.audit, as explain reads them) read backwards, so watch and explain
// can never disagree about which event changes what. Reads are the collector's own per-area reads.
import type { GitlabClient } from '../../gitlab/client';
import type { GlAuditEvent } from '../../gitlab/types';
import type { Baseline } from '../../model/baseline';
import { selectTargets } from '../../gitlab/targets';
import { activeRules, evaluate } from '../evaluate';
import { enrich } from '../collect';
import { groupRef, INSTANCE_TARGET, projectRef } from '../../model/target';
import { planReads, planReadsFor } from '../collect/plan';
import { readOf } from '../../gitlab/read';
import { fetchGroupRead, fetchProjectRead } from '../collect/reads';
import { getGroup } from '../../gitlab/groups';
import { getProject } from '../../gitlab/projects';
import { getApplicationSettings } from '../../gitlab/instance';
import type { CheckResult } from '../../model/result';
import type { GitlabInfo, GroupState, ProjectState, Snapshot } from '../../model/snapshot';
import type { TargetKind, TargetRef } from '../../model/target';
import type { Rule } from '../../policies/rule';
import { CATALOG } from '../../policies/catalog';

/** event_name -> rule ids whose setting that event can change. */
export function rulesByEvent(): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { id, audit } of CATALOG) {
    if ('unavailable' in audit) continue;
    for (const name of audit.events) map.set(name, [...(map.get(name) ?? []), id]);
  }
  return map;
}

const BY_EVENT = rulesByEvent();

export function eventNameOf(event: GlAuditEvent): string | undefined {
  return event.event_name ?? event.details.event_name;
}

export function targetKindOf(event: GlAuditEvent): TargetKind | undefined {
  if (event.entity_type === 'Project') return 'project';
  if (event.entity_type === 'Group') return 'group';
  if (event.entity_type === 'Gitlab::Audit::InstanceScope') return 'instance';
  return undefined;
}

/**
 * The baseline's active rules that the event can affect, narrowed to the event's target kind (a rule on groups
 * and projects judges only the project an event on a project is about). Empty: nothing to re-check.
 */
export function affectedRules(event: GlAuditEvent, baseline: Pick<Baseline, 'enabled'>, catalog: readonly Rule[] = CATALOG): Rule[] {
  const name = eventNameOf(event);
  const kind = targetKindOf(event);
  if (name === undefined || kind === undefined) return [];
  const ids = new Set(BY_EVENT.get(name) ?? []);
  return activeRules(catalog, baseline)
    .filter((r) => ids.has(r.id) && r.scope.includes(kind))
    .map((r) => ({ ...r, scope: [kind] }));
}

export type Recheck =
  | { status: 'no-rule' }
  | { status: 'out-of-scope'; target: TargetRef }
  | { status: 'unreadable'; target: TargetRef; message: string }
  | { status: 'checked'; target: TargetRef; rules: string[]; result: CheckResult };

export interface RecheckContext {
  client: GitlabClient;
  baseline: Baseline;
  gitlab: GitlabInfo;
  now: () => Date;
}

/** Re-reads and re-judges only the event's target, only for the rules the event can affect. */
export async function recheckEvent(event: GlAuditEvent, ctx: RecheckContext): Promise<Recheck> {
  const rules = affectedRules(event, ctx.baseline);
  if (rules.length === 0) return { status: 'no-rule' };
  const kind = targetKindOf(event)!;
  const plan = planReads(rules, ctx.gitlab);
  // A group or project reads what its own namespace's tier lets the rules judge (model/tiers.ts).
  const planFor = planReadsFor(rules, ctx.gitlab);
  const snapshot: Snapshot = { schemaVersion: 1, takenAt: ctx.now().toISOString(), gitlab: ctx.gitlab, groups: [], projects: [], errors: [] };
  let target: TargetRef;

  if (kind === 'instance') {
    target = INSTANCE_TARGET;
    if (plan.instance.has('settings')) snapshot.instance = { target, settings: await readOf(() => getApplicationSettings(ctx.client)) };
  } else if (kind === 'project') {
    const read = await readOf(() => getProject(ctx.client, event.entity_id));
    target = read.ok ? projectRef(read.value) : { kind, id: event.entity_id, path: pathOf(event) };
    if (!read.ok) return { status: 'unreadable', target, message: read.error.message };
    const project = read.value;
    if (selectTargets(ctx.baseline, [], [project]).projects.length === 0) return { status: 'out-of-scope', target };
    const state: ProjectState = { target, project: { ok: true, value: project } };
    await Promise.all([...planFor(target).project].map(async (r) => Object.assign(state, { [r]: await fetchProjectRead(ctx.client, target.id, r) })));
    snapshot.projects.push(state);
  } else {
    const read = await readOf(() => getGroup(ctx.client, event.entity_id));
    target = read.ok ? groupRef(read.value) : { kind, id: event.entity_id, path: pathOf(event) };
    if (!read.ok) return { status: 'unreadable', target, message: read.error.message };
    const group = read.value;
    if (selectTargets(ctx.baseline, [group], []).groups.length === 0) return { status: 'out-of-scope', target };
    const state: GroupState = { target, topLevel: group.parent_id === null, group: { ok: true, value: group } };
    await Promise.all([...planFor(target).group].map(async (r) => Object.assign(state, { [r]: await fetchGroupRead(ctx.client, target.id, r) })));
    snapshot.groups.push(state);
  }

  let result = evaluate(snapshot, ctx.baseline, { rules });
  if ((await enrich(ctx.client, snapshot, rules, result.findings)) > 0) result = evaluate(snapshot, ctx.baseline, { rules });
  return { status: 'checked', target, rules: rules.map((r) => r.id), result };
}

function pathOf(event: GlAuditEvent): string {
  const p = event.details.entity_path;
  return typeof p === 'string' && p !== '' ? p : `#${event.entity_id}`;
}

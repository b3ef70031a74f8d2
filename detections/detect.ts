// detect: rules + audit events -> DetectResult. `findMatches` and `toResult` are pure; `runDetection` does
// the reading through detections/collect.ts.
import type { GitlabClient } from '../gitlab/client';
import type { GlAuditEvent } from '../gitlab/types';
import type { Baseline } from '../model/baseline';
import { evaluateEvent, levelRank, RULE_STEP_BUDGET, type CompiledRule, type RuleLoadProblem, type SigmaLevel } from './engine';
import { INSTANCE_SCOPE, planScopes, readAllScopes, readScopeEvents, resolveAuthors } from './collect';
import { scopeLabel, type DetectError, type DetectMatch, type DetectResult } from './model';

export interface RawMatch {
  rule: CompiledRule;
  event: GlAuditEvent;
}

/** Events deduplicated by id (the same event is listed at instance and group level), newest first. */
export function dedupeEvents(lists: readonly (readonly GlAuditEvent[])[]): GlAuditEvent[] {
  const byId = new Map<number, GlAuditEvent>();
  for (const list of lists) for (const e of list) if (!byId.has(e.id)) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => b.id - a.id);
}

/**
 * Each (rule, event) pair once; ordered by event (newest first), then rule file. Pairs whose evaluation ran
 * out of its step budget go to `overBudget` (when given): those events were not judged by that rule.
 */
export function findMatches(rules: readonly CompiledRule[], events: readonly GlAuditEvent[], overBudget?: RawMatch[], stepLimit = RULE_STEP_BUDGET): RawMatch[] {
  const out: RawMatch[] = [];
  for (const event of events) {
    const result = evaluateEvent(rules, event, stepLimit);
    for (const rule of result.matched) out.push({ rule, event });
    for (const rule of result.overBudget) overBudget?.push({ rule, event });
  }
  return out;
}

/** The error reported for a (rule, event) evaluation that exceeded its budget. */
export function overBudgetError(m: RawMatch, stepLimit = RULE_STEP_BUDGET): DetectError {
  return {
    scope: 'rules',
    file: m.rule.file,
    message: `ran out of its matching budget (${stepLimit.toLocaleString('en-US')} steps) on audit event ${m.event.id}; that event was not judged by this rule`,
  };
}

function eventScope(entityType: string): DetectMatch['event']['scope'] {
  if (entityType === 'Group') return 'group';
  if (entityType === 'Project') return 'project';
  if (entityType === 'User') return 'user';
  return 'instance';
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function toMatch(m: RawMatch, authors: ReadonlyMap<number, string | null>): DetectMatch {
  const e = m.event;
  const d = e.details ?? {};
  return {
    rule: { id: m.rule.id, title: m.rule.title, level: m.rule.level, file: m.rule.file },
    event: {
      id: e.id,
      scope: eventScope(e.entity_type),
      entity_type: e.entity_type,
      entity_id: e.entity_id,
      entity_path: str(d.entity_path),
      // The username; details.author_name (stored with the event) only when the user is gone.
      author: authors.get(e.author_id) ?? str(d.author_name),
      event_name: str(e.event_name) ?? str(d.event_name),
      created_at: e.created_at,
      ip_address: str(d.ip_address),
      target_details: str(d.target_details),
    },
  };
}

/** Matches at or above `failOn` decide exit 1. */
export function hasMatchAtOrAbove(result: Pick<DetectResult, 'matches'>, failOn: SigmaLevel): boolean {
  return result.matches.some((m) => levelRank(m.rule.level) >= levelRank(failOn));
}

/** 2 when rules failed to load or a group/project scope could not be read; else 1 on a match at/above failOn; else 0. */
export function detectExitCode(result: DetectResult, failOn: SigmaLevel): 0 | 1 | 2 {
  if (result.errors.some((e) => e.scope !== 'instance')) return 2;
  return hasMatchAtOrAbove(result, failOn) ? 1 : 0;
}

/** A result for rule files that did not load: nothing was read. */
export function ruleProblemsResult(problems: readonly RuleLoadProblem[], rules: number, since: Date, url: string | null): DetectResult {
  return {
    schemaVersion: 1,
    gitlab: { url },
    since: since.toISOString(),
    summary: { events: 0, rules, matches: 0, unreadable: [], complete: false },
    matches: [],
    errors: problems.map((p) => ({ scope: 'rules', file: p.file, message: p.message })),
  };
}

export interface RunDetectionOptions {
  rules: readonly CompiledRule[];
  since: Date;
  /** Without one, every top-level group the token can read. */
  baseline?: Pick<Baseline, 'targets'>;
  isAdmin: boolean;
  concurrency?: number;
}

export async function runDetection(client: GitlabClient, opts: RunDetectionOptions): Promise<DetectResult> {
  const errors: DetectError[] = [];
  const unreadable: string[] = [];
  // Instance events need an admin token (docs/gitlab-behaviour.md, Audit events); a 403 there is listed, not fatal (README, "Commands").
  // The admin list holds every group and project event too, so once it is read the per-target lists
  // would only repeat it: one keyset listing instead of one per project.
  const instanceFirst = opts.isAdmin ? await readScopeEvents(client, INSTANCE_SCOPE, opts.since) : undefined;
  const [instance, plan] = instanceFirst?.ok
    ? [instanceFirst, { scopes: [], errors: [] } as Awaited<ReturnType<typeof planScopes>>]
    : await Promise.all([instanceFirst ?? readScopeEvents(client, INSTANCE_SCOPE, opts.since), planScopes(client, opts.baseline, opts.isAdmin)]);
  const lists: GlAuditEvent[][] = [];
  if (instance.ok) lists.push(instance.events);
  else {
    unreadable.push('instance');
    errors.push({ scope: 'instance', message: instance.message });
  }
  for (const e of plan.errors) {
    unreadable.push(scopeLabel(e.scope));
    errors.push({ scope: e.scope.kind, path: e.scope.path, message: e.message });
  }
  for (const read of await readAllScopes(client, plan.scopes, opts.since, opts.concurrency ?? 8)) {
    if (read.ok) lists.push(read.events);
    else {
      unreadable.push(scopeLabel(read.scope));
      errors.push({ scope: read.scope.kind, path: read.scope.path, message: read.message });
    }
  }
  const events = dedupeEvents(lists);
  const overBudget: RawMatch[] = [];
  const raw = findMatches(opts.rules, events, overBudget);
  errors.push(...overBudget.map(overBudgetError));
  // Usernames only for the authors of matched events: one request per distinct author, not per event.
  const authors = await resolveAuthors(client, raw.map((m) => m.event.author_id));
  const matches = raw.map((m) => toMatch(m, authors));
  return {
    schemaVersion: 1,
    gitlab: { url: client.url },
    since: opts.since.toISOString(),
    summary: { events: events.length, rules: opts.rules.length, matches: matches.length, unreadable, complete: unreadable.length === 0 && overBudget.length === 0 },
    matches,
    errors,
  };
}

// A journal is input from disk (often a CI artifact kept for months): undo replays a step only when the step is a
// write `revert` itself could have produced. The record's rule, target, setting and fixData go through that
// rule's own `fix` (the builder revert uses, policies/), and the result must be the very method, path and body
// the record says was sent. The `before` value undo would write back must fit that write: an object for an
// update, nothing for a create, the same hook for a hook delete, a value of the written field's type. Pure.
import { z } from 'zod';
import type { Finding } from '../../model/result';
import { INSTANCE_TARGET } from '../../model/target';
import type { Change, Fix, Rule } from '../../policies/rule';
import { areaParams, AREAS, type AllParams, type Area } from '../../policies/params';
import { ruleById } from '../../policies/catalog';
import { GROUP_FIELDS } from '../../policies/git-abuse';
import { INSTANCE_FIELDS } from '../../policies/instance';
import type { JournalEntry } from './journal';
import { sameJson } from './before';

/**
 * Rules whose fix writes the field named by the finding's `setting`: only these settings, or a forged setting
 * would let a record write any field of /application/settings or a group.
 */
const SETTING_IS_FIELD: Record<string, readonly string[]> = {
  'git-abuse.download-limit': Object.values(GROUP_FIELDS),
  'instance.git-abuse-download-limit': Object.values(INSTANCE_FIELDS),
  'ci.masked-variables': ['masked', 'protected'],
};

/** Fields a fix re-sends to name the object (PUT requires a hook's `url`), never to change it. */
const IDENTITY_FIELDS = new Set(['url', 'name']);

/** A bare group or project: no revert step ever creates or deletes one. */
const WHOLE_TARGET = /^\/(projects|groups)\/[^/?]+(\?.*)?$/;

/** The run's parameters from the journal header, each area checked against its schema; undefined when unusable. */
export function paramsFromHeader(value: unknown): AllParams | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  for (const area of AREAS) {
    // An area the header does not name (a journal of an older version) gets its defaults.
    const parsed = (areaParams[area] as z.ZodType).safeParse((value as Record<string, unknown>)[area] ?? {});
    if (!parsed.success) return undefined;
    out[area] = parsed.data;
  }
  return out as AllParams;
}

/**
 * Why the step cannot be replayed, or undefined when it is a write revert could have produced. With `params`
 * undefined (a journal without header), values the baseline decides are not compared: method, path and fields are.
 */
export function replayProblem(entry: JournalEntry, params: AllParams | undefined, ruleOf: (id: string) => Rule | undefined = ruleById): string | undefined {
  const p = entry.pending;
  const rule = ruleOf(p.rule);
  if (!rule) return `rule "${String(p.rule)}" is not in this version's catalog, so no revert wrote this step`;
  const t = p.target as Partial<Finding['target']> | undefined;
  // The instance is the one target without a GitLab id: check names it INSTANCE_TARGET (id 0, "(instance)").
  const isInstance = t?.kind === 'instance' && t.id === INSTANCE_TARGET.id && t.path === INSTANCE_TARGET.path;
  if (!t || !rule.scope.includes(t.kind as never) || (!isInstance && (!Number.isSafeInteger(t.id) || (t.id as number) <= 0)) || typeof t.path !== 'string') {
    return `target ${JSON.stringify(t)} is not a ${rule.scope.join(' or ')} of rule ${rule.id}`;
  }
  if (typeof p.setting !== 'string') return 'the record names no setting';
  const fields = SETTING_IS_FIELD[rule.id];
  if (fields && !fields.includes(p.setting)) return `rule ${rule.id} never writes "${p.setting}" (it writes ${fields.join(', ')})`;

  const finding: Finding = {
    rule: rule.id,
    area: rule.area,
    severity: rule.severity,
    target: t as Finding['target'],
    setting: p.setting,
    ...(typeof p.branch === 'string' ? { branch: p.branch } : {}),
    ...(typeof p.object === 'string' ? { object: p.object } : {}),
    ...(p.fixData && typeof p.fixData === 'object' ? { fixData: p.fixData } : {}),
    expected: null,
    actual: null,
    message: '',
    revertible: true,
    waived: false,
  };
  const areaParamsFor = (params ?? defaults())[rule.area as Area];
  let fix: Fix;
  try {
    fix = rule.fix(finding, areaParamsFor as never);
  } catch (err) {
    return `rule ${rule.id}'s fix cannot be rebuilt from the record (${(err as Error).message})`;
  }
  if ('manual' in fix) return `rule ${rule.id} does not write this finding (its fix is manual), so no revert wrote this step`;
  const said = `${p.method} ${p.path}`;
  if (fix.method !== p.method || fix.path !== p.path) return `${said} is not the write rule ${rule.id} makes here (${fix.method} ${fix.path})`;
  const intended = p.intended === undefined || p.intended === null ? undefined : p.intended;
  if (!sameBody(fix, intended, params !== undefined)) {
    return `${said} with ${JSON.stringify(intended ?? null)} is not the body rule ${rule.id} sends (${JSON.stringify(fix.body ?? null)})`;
  }
  return beforeProblem(fix, p.before, intended as Record<string, unknown> | undefined);
}

function sameBody(fix: Change, intended: unknown, exact: boolean): boolean {
  if (fix.body === undefined) return intended === undefined;
  if (intended === undefined || typeof intended !== 'object' || Array.isArray(intended)) return false;
  if (exact) return sameJson(fix.body, intended);
  const keys = (o: object) => Object.keys(o).sort().join(',');
  return keys(fix.body) === keys(intended as object);
}

/** What undo would write back must fit the write it reverses. */
function beforeProblem(fix: Change, before: unknown, intended: Record<string, unknown> | undefined): string | undefined {
  const bare = fix.path.split('?')[0]!;
  if (fix.method === 'POST' && !/\/approvals$/.test(bare)) {
    // A create: undo deletes what it created, never anything else.
    if (before !== null && before !== undefined) return `${fix.method} ${bare} creates an object, but the record's before value is not empty`;
    if (WHOLE_TARGET.test(bare)) return `undo would delete ${bare}: a project or group is never deleted by undo`;
    return undefined;
  }
  if (before === null || before === undefined || typeof before !== 'object' || Array.isArray(before)) {
    // A null before on an update would turn into a DELETE of the object (or of the whole project).
    return `${fix.method} ${bare} changes an existing object, but the record's before value is ${JSON.stringify(before ?? null)}`;
  }
  const b = before as Record<string, unknown>;
  if (fix.method === 'DELETE') {
    const id = /\/hooks\/(\d+)$/.exec(bare)?.[1];
    if (!id) return `undo cannot recreate what ${fix.method} ${bare} removed`;
    if (String(b.id) !== id) return `the before value is hook ${JSON.stringify(b.id)}, not hook ${id} that the write deleted`;
    return undefined;
  }
  for (const [key, sent] of Object.entries(intended ?? {})) {
    const was = b[key];
    if (IDENTITY_FIELDS.has(key) && was !== sent) return `the before value of ${key} (${JSON.stringify(was)}) differs from the one the write re-sent (${JSON.stringify(sent)}); revert never changes ${key}`;
    const scalar = typeof sent === 'boolean' || typeof sent === 'number' || typeof sent === 'string';
    if (scalar && was !== null && was !== undefined && typeof was !== typeof sent) {
      return `the before value of ${key} is ${JSON.stringify(was)}, not a ${typeof sent} like the value written`;
    }
  }
  return undefined;
}

let cached: AllParams | undefined;
function defaults(): AllParams {
  return (cached ??= Object.fromEntries(AREAS.map((a) => [a, (areaParams[a] as z.ZodType).parse({})])) as AllParams);
}

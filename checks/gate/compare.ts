// `gate`: does the head baseline weaken the base one? Pure: two loaded baselines in, a list of weakenings
// (and, for the reviewer's benefit, strengthenings) out. Everything is compared on the *effective* values
// (profile merged with settings), so a profile switch shows the concrete parameters and rules it loosens.
import { displayAccessValue } from '../../gitlab/access-levels';
import type { Tier } from '../../gitlab/types';
import { AREAS } from '../../policies/params';
import { RULE_IDS } from '../../policies/rule-ids';
import type { Baseline, Waiver } from '../../model/baseline';
import { waiverCovers } from '../baseline/waivers';
import { isExcluded } from '../../lib/globs';
import { compareParam, DIRECTIONS, type Direction } from './directions';

export type ChangeKind =
  | 'rule-disabled'
  | 'rule-enabled'
  | 'param-loosened'
  | 'param-tightened'
  | 'waiver-added'
  | 'waiver-extended'
  | 'waiver-broadened'
  | 'waiver-removed'
  | 'waiver-shortened'
  | 'waiver-narrowed'
  | 'target-excluded'
  | 'target-included'
  | 'tier-lowered'
  | 'tier-raised';

export interface GateChange {
  kind: ChangeKind;
  /** Where in the baseline: `settings.mr-approvals.min_approvals`, `rules.ci.public-jobs`, `waivers[2]`, `targets.exclude`. */
  path: string;
  from: unknown;
  to: unknown;
  message: string;
}

export interface GateResult {
  schemaVersion: 1;
  base: string;
  head: string;
  /** Every way the head lets more through than the base; any one fails the gate. */
  weakenings: GateChange[];
  strengthenings: GateChange[];
}

export function compareBaselines(base: Baseline, head: Baseline): GateResult {
  const weakenings: GateChange[] = [];
  const strengthenings: GateChange[] = [];
  const add = (weaker: boolean, c: GateChange) => (weaker ? weakenings : strengthenings).push(c);
  const via = profileNote(base, head);

  compareRules(base, head, via, add);
  compareParams(base, head, via, add);
  compareWaivers(base, head, add);
  compareTargets(base, head, add);
  compareTier(base.gitlab.tier, head.gitlab.tier, add);
  return { schemaVersion: 1, base: base.file, head: head.file, weakenings, strengthenings };
}

type Add = (weaker: boolean, c: GateChange) => void;

/** " (profile hardened -> baseline)" when a value changed only because the profile did. */
function profileNote(base: Baseline, head: Baseline): (set: (b: Baseline) => boolean) => string {
  return (setExplicitly) =>
    base.profile !== head.profile && !setExplicitly(head) ? ` (profile ${base.profile} -> ${head.profile})` : '';
}

function rawSection(b: Baseline, key: string): Record<string, unknown> {
  const raw = b.raw as Record<string, unknown> | null;
  const v = raw && typeof raw === 'object' ? raw[key] : undefined;
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

function compareRules(base: Baseline, head: Baseline, via: ReturnType<typeof profileNote>, add: Add): void {
  for (const id of RULE_IDS) {
    const from = base.enabled[id];
    const to = head.enabled[id];
    if (from === to) continue;
    const note = via((b) => id in rawSection(b, 'rules'));
    add(from && !to, {
      kind: from ? 'rule-disabled' : 'rule-enabled',
      path: `rules.${id}`,
      from: from ? 'on' : 'off',
      to: to ? 'on' : 'off',
      message: from ? `Rule ${id} is turned off${note}: it is no longer checked` : `Rule ${id} is turned on${note}`,
    });
  }
}

function compareParams(base: Baseline, head: Baseline, via: ReturnType<typeof profileNote>, add: Add): void {
  for (const area of AREAS) {
    const directions = DIRECTIONS[area] as Record<string, Direction>;
    const from = base.params[area] as Record<string, unknown>;
    const to = head.params[area] as Record<string, unknown>;
    for (const [key, direction] of Object.entries(directions)) {
      const cmp = compareParam(direction, from[key], to[key]);
      if (cmp === 'equal') continue;
      const path = `settings.${area}.${key}`;
      const note = via((b) => {
        const s = rawSection(b, 'settings')[area];
        return Boolean(s && typeof s === 'object' && key in s);
      });
      const looser = cmp === 'looser';
      add(looser, {
        kind: looser ? 'param-loosened' : 'param-tightened',
        path,
        from: from[key],
        to: to[key],
        message: `${path} ${looser ? 'loosened' : 'tightened'}: ${paramChange(key, direction, from[key], to[key])}${note}`,
      });
    }
  }
}

function paramChange(key: string, d: Direction, from: unknown, to: unknown): string {
  if (d.kind === 'allowlist' || d.kind === 'required-list') {
    const a = Array.isArray(from) ? from.map(String) : [];
    const b = Array.isArray(to) ? to.map(String) : [];
    const gained = b.filter((x) => !a.includes(x));
    const lost = a.filter((x) => !b.includes(x));
    const parts = [
      ...(gained.length ? [`adds ${gained.map((x) => JSON.stringify(x)).join(', ')}`] : []),
      ...(lost.length ? [`drops ${lost.map((x) => JSON.stringify(x)).join(', ')}`] : []),
    ];
    const emptied = d.kind === 'allowlist' && b.length === 0 ? ' (an empty allowlist means every host is allowed)' : '';
    return `${parts.join(' and ')}${emptied}`;
  }
  // Protected-ref levels by GitLab's names: "Maintainers (40) -> Developers + Maintainers (30)".
  const level = d.kind === 'ranked' && key.endsWith('access_level');
  const numeric = level && typeof from === 'number' && typeof to === 'number';
  if (numeric) return `${displayAccessValue(from)} -> ${displayAccessValue(to)}`;
  return `${show(from)} -> ${show(to)}${level ? ' (access level)' : ''}`;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

// --- waivers -----------------------------------------------------------------------------------------------

/**
 * Waivers are matched by (rule glob, target glob, object, branch) exactly: a changed glob cannot be proven to match
 * no more than before, so it counts as broadened. Dropping or changing `object`/`branch` waives more than the one
 * finding it named (broadened); adding them to a waiver of the whole rule on the target only waives less
 * (narrowed). A waiver already past its date never applies and is ignored.
 */
function compareWaivers(base: Baseline, head: Baseline, add: Add): void {
  const key = (w: Waiver) => [w.rule, w.target, w.object ?? '\u0001', w.branch ?? '\u0001'].join('\u0000');
  const live = (b: Baseline) => {
    const m = new Map<string, { w: Waiver; index: number }>();
    b.waivers.forEach((w, index) => {
      if (w.expired) return;
      const prev = m.get(key(w));
      if (!prev || w.expires > prev.w.expires) m.set(key(w), { w, index });
    });
    return m;
  };
  const before = live(base);
  const after = live(head);
  const matched = new Set<string>();
  const dropped = (bk: string) => !after.has(bk) && !matched.has(bk);
  const expiryChange = (old: Waiver, w: Waiver, path: string) => {
    if (w.expires > old.expires) {
      add(true, { kind: 'waiver-extended', path: `${path}.expires`, from: old.expires, to: w.expires, message: `Waiver of ${describe(w)} extended from ${old.expires} to ${w.expires}` });
    } else if (w.expires < old.expires) {
      add(false, { kind: 'waiver-shortened', path: `${path}.expires`, from: old.expires, to: w.expires, message: `Waiver of ${describe(w)} now ends earlier, on ${w.expires}` });
    }
  };

  const narrowedFrom = new Set<string>();
  for (const [k, { w, index }] of after) {
    const old = before.get(k);
    const path = `waivers[${index}]`;
    if (old) {
      matched.add(k);
      expiryChange(old.w, w, path);
      continue;
    }
    // Same rule and target, only object/branch changed: narrower when the old waiver took in everything this one does.
    const sameFinding = [...before.entries()].filter(([bk, { w: b }]) => dropped(bk) && b.rule === w.rule && b.target === w.target);
    const wider = sameFinding.find(([, { w: b }]) => waiverCovers(b, { object: w.object, branch: w.branch }));
    if (wider) {
      // Several per-object waivers may replace one whole-target waiver: keep it available for the others.
      narrowedFrom.add(wider[0]);
      const b = wider[1].w;
      add(false, { kind: 'waiver-narrowed', path, from: brief(b), to: brief(w), message: `Waiver of ${describe(b)} narrowed to ${describe(w)}` });
      expiryChange(b, w, path);
      continue;
    }
    // Same rule with another target, or same target with another rule, that the head dropped: a changed glob,
    // or a waiver that lost or changed its object/branch.
    const replaced = [...before.entries()].find(
      ([bk, { w: b }]) => dropped(bk) && !narrowedFrom.has(bk) && (b.rule === w.rule || b.target === w.target),
    );
    if (replaced) {
      matched.add(replaced[0]);
      const b = replaced[1].w;
      add(true, {
        kind: 'waiver-broadened',
        path,
        from: brief(b),
        to: brief(w),
        message: `Waiver changed from ${describe(b)} to ${describe(w)} (until ${w.expires}): it may waive more`,
      });
      continue;
    }
    add(true, { kind: 'waiver-added', path, from: null, to: brief(w), message: `New waiver: ${describe(w)} until ${w.expires} (${w.reason})` });
  }
  for (const [k, { w }] of before) {
    if (after.has(k) || matched.has(k) || narrowedFrom.has(k)) continue;
    add(false, { kind: 'waiver-removed', path: 'waivers', from: brief(w), to: null, message: `Waiver of ${describe(w)} removed` });
  }
}

/** What a gate change shows of a waiver; object/branch only when the waiver names them. */
function brief(w: Waiver): Record<string, string> {
  return {
    rule: w.rule,
    target: w.target,
    ...(w.object !== undefined ? { object: w.object } : {}),
    ...(w.branch !== undefined ? { branch: w.branch } : {}),
    expires: w.expires,
  };
}

function describe(w: Waiver): string {
  const scope = [w.object !== undefined ? `object ${w.object}` : '', w.branch !== undefined ? `branch ${w.branch}` : ''].filter(Boolean).join(', ');
  return `${w.rule} on ${w.target}${scope ? ` (${scope})` : ''}`;
}

// --- targets -----------------------------------------------------------------------------------------------

function compareTargets(base: Baseline, head: Baseline, add: Add): void {
  const lower = (xs: string[]) => xs.map((x) => x.toLowerCase());
  const headGroups = lower(head.targets.groups);
  const underHeadRoot = (path: string) => headGroups.some((r) => path === r || path.startsWith(`${r}/`));
  const stillCovered = (path: string) => underHeadRoot(path) && !isExcluded(head.targets.exclude, path);

  head.targets.exclude.forEach((glob, i) => {
    if (base.targets.exclude.includes(glob)) return;
    // A new exclude that matches none of the head's roots or projects still may hide a subgroup: always a weakening.
    add(true, { kind: 'target-excluded', path: `targets.exclude[${i}]`, from: null, to: glob, message: `New exclusion ${JSON.stringify(glob)}: matching groups and projects are no longer checked` });
  });
  for (const glob of base.targets.exclude) {
    if (!head.targets.exclude.includes(glob)) {
      add(false, { kind: 'target-included', path: 'targets.exclude', from: glob, to: null, message: `Exclusion ${JSON.stringify(glob)} removed` });
    }
  }
  for (const g of base.targets.groups) {
    if (headGroups.includes(g.toLowerCase())) continue;
    if (stillCovered(g.toLowerCase())) continue;
    add(true, { kind: 'target-excluded', path: 'targets.groups', from: g, to: null, message: `Group ${g} (and its subgroups and projects) removed from targets` });
  }
  const headProjects = lower(head.targets.projects);
  for (const p of base.targets.projects) {
    if (headProjects.includes(p.toLowerCase()) || stillCovered(p.toLowerCase())) continue;
    add(true, { kind: 'target-excluded', path: 'targets.projects', from: p, to: null, message: `Project ${p} removed from targets` });
  }
  for (const g of head.targets.groups) {
    if (!lower(base.targets.groups).includes(g.toLowerCase())) {
      add(false, { kind: 'target-included', path: 'targets.groups', from: null, to: g, message: `Group ${g} added to targets` });
    }
  }
  for (const p of head.targets.projects) {
    if (!lower(base.targets.projects).includes(p.toLowerCase())) {
      add(false, { kind: 'target-included', path: 'targets.projects', from: null, to: p, message: `Project ${p} added to targets` });
    }
  }
}

// --- tier --------------------------------------------------------------------------------------------------

const TIER_RANK: Record<Tier, number> = { free: 0, premium: 1, ultimate: 2 };

/**
 * A pinned tier decides which rules run (rules above it are skipped). Unpinned means "detected": the gate
 * cannot know what detection will find, so moving between pinned and detected counts as lowering unless the
 * pinned side is ultimate (nothing is skipped for tier then).
 */
function compareTier(from: Tier | undefined, to: Tier | undefined, add: Add): void {
  if (from === to) return;
  const rank = (t: Tier | undefined) => (t === undefined ? undefined : TIER_RANK[t]);
  const a = rank(from);
  const b = rank(to);
  const lowered = a !== undefined && b !== undefined ? b < a : to === undefined ? from !== 'free' : to !== 'ultimate';
  const label = (t: Tier | undefined) => t ?? 'detected';
  add(lowered, {
    kind: lowered ? 'tier-lowered' : 'tier-raised',
    path: 'gitlab.tier',
    from: from ?? null,
    to: to ?? null,
    message: lowered
      ? `gitlab.tier ${label(from)} -> ${label(to)}: rules above ${label(to)} may be skipped instead of checked`
      : `gitlab.tier ${label(from)} -> ${label(to)}`,
  });
}

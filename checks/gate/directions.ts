// Which way each baseline parameter loosens: the one table `gate` reads (policies/params.ts holds the
// parameters; docs/baseline.md, "settings.<area>", their meaning). Typed against AllParams, so a new parameter
// without a direction is a compile error instead of a change the gate silently ignores.
import { branchMatches } from '../../policies/match';
import type { AllParams, Area } from '../../policies/params';

export type Direction =
  /** A ceiling: a higher number lets more through (grace hours, download limit, interval). */
  | { kind: 'max' }
  /** A floor: a lower number lets more through (approvals). */
  | { kind: 'min' }
  /** Ranked values, least open first: a later rank is looser. */
  | { kind: 'ranked'; order: readonly (string | number)[] }
  /** A flag that must stay false (force push allowed). */
  | { kind: 'false-is-strict' }
  /** A flag that must stay true (auto-ban, variables protected). */
  | { kind: 'true-is-strict' }
  /**
   * An allowlist: an entry it gains (a host, a broader glob) is looser unless an entry it already had covers it;
   * empty means "no allowlist" at all.
   */
  | { kind: 'allowlist'; covers: Covers }
  /** A required list: an entry it loses (a secret pattern, a protected branch) is looser unless a kept entry covers it. */
  | { kind: 'required-list'; covers: Covers };

/** Does list entry `broad` take in everything `narrow` does? Must be sound: when unsure, false. */
type Covers = (broad: string, narrow: string) => boolean;

// Access levels rank by who may act (docs/gitlab-behaviour.md, Protected branches): 0 "No one" is the strictest, 60 Admin next, then 40, 30.
const ACCESS_LEVELS = [0, 60, 40, 30] as const;
const VISIBILITY = ['private', 'internal', 'public'] as const;

// `*` in the narrow side is taken literally, so it is only absorbed by a `*` of the broad side (see
// policies/match.ts patternCovers): `*.acme.example` covers `hooks.acme.example` and `*.ci.acme.example`.
const hostCovers: Covers = (broad, narrow) => branchMatches(broad.toLowerCase(), narrow.toLowerCase());
// `default` is the project's default branch, whatever its name: only `default` itself (or `*`) covers it.
const branchCovers: Covers = (broad, narrow) => broad === '*' || (narrow === 'default' ? broad === 'default' : broad !== 'default' && branchMatches(broad, narrow));
// Secret patterns are case-insensitive substrings of the key (policies/ci.ts): KEY catches every key API_KEY does.
const patternCovers: Covers = (broad, narrow) => narrow.toUpperCase().includes(broad.toUpperCase());

export const DIRECTIONS: { [A in Area]: { [K in keyof AllParams[A]]-?: Direction } } = {
  'two-factor': { max_grace_period: { kind: 'max' } },
  visibility: {
    max_group_visibility: { kind: 'ranked', order: VISIBILITY },
    max_project_visibility: { kind: 'ranked', order: VISIBILITY },
  },
  'protected-branches': {
    branches: { kind: 'required-list', covers: branchCovers },
    push_access_level: { kind: 'ranked', order: ACCESS_LEVELS },
    merge_access_level: { kind: 'ranked', order: ACCESS_LEVELS },
    allow_force_push: { kind: 'false-is-strict' },
    allow_deploy_key_push: { kind: 'false-is-strict' },
  },
  'mr-approvals': { min_approvals: { kind: 'min' } },
  webhooks: { allowed_hosts: { kind: 'allowlist', covers: hostCovers } },
  'git-abuse': {
    max_download_limit: { kind: 'max' },
    max_interval_seconds: { kind: 'max' },
    auto_ban: { kind: 'true-is-strict' },
  },
  ci: {
    secret_patterns: { kind: 'required-list', covers: patternCovers },
    require_protected: { kind: 'true-is-strict' },
  },
  projects: {
    max_forking_access_level: { kind: 'ranked', order: ['disabled', 'private', 'enabled'] },
    inactive_months: { kind: 'max' },
  },
  groups: {
    max_project_creation_level: { kind: 'ranked', order: ['noone', 'administrator', 'owner', 'maintainer', 'developer'] },
    max_subgroup_creation_level: { kind: 'ranked', order: ['owner', 'maintainer'] },
    default_branch_push_access_level: { kind: 'ranked', order: ACCESS_LEVELS },
    default_branch_merge_access_level: { kind: 'ranked', order: ACCESS_LEVELS },
  },
  'push-rules': {},
  members: {
    max_owners: { kind: 'max' },
    max_maintainers: { kind: 'max' },
    max_hours_without_two_factor: { kind: 'max' },
    max_external_access_level: { kind: 'max' },
  },
  instance: {
    min_email_confirmation: { kind: 'ranked', order: ['hard', 'soft'] },
    max_pat_lifetime_days: { kind: 'max' },
    stale_admin_months: { kind: 'max' },
  },
};

export type Comparison = 'equal' | 'looser' | 'stricter';

/** How `to` compares with `from` under a direction. */
export function compareParam(d: Direction, from: unknown, to: unknown): Comparison {
  switch (d.kind) {
    case 'max':
      return cmpNumbers(from, to, (a, b) => b > a);
    case 'min':
      return cmpNumbers(from, to, (a, b) => b < a);
    case 'ranked': {
      const a = d.order.indexOf(from as never);
      const b = d.order.indexOf(to as never);
      // An unranked value cannot be proven safe: treat any change to it as loosening.
      if (a < 0 || b < 0) return from === to ? 'equal' : 'looser';
      return a === b ? 'equal' : b > a ? 'looser' : 'stricter';
    }
    case 'false-is-strict':
      return from === to ? 'equal' : to === true ? 'looser' : 'stricter';
    case 'true-is-strict':
      return from === to ? 'equal' : to === false ? 'looser' : 'stricter';
    case 'allowlist': {
      const a = asStrings(from);
      const b = asStrings(to);
      if (sameSet(a, b)) return 'equal';
      // Empty = no allowlist: webhooks.allowed-hosts is skipped, so every host is allowed.
      if (b.length === 0) return 'looser';
      if (a.length === 0) return 'stricter';
      if (uncovered(b, a, d.covers)) return 'looser';
      return uncovered(a, b, d.covers) ? 'stricter' : 'equal';
    }
    case 'required-list': {
      const a = asStrings(from);
      const b = asStrings(to);
      if (sameSet(a, b)) return 'equal';
      if (uncovered(a, b, d.covers)) return 'looser';
      return uncovered(b, a, d.covers) ? 'stricter' : 'equal';
    }
  }
}

function cmpNumbers(from: unknown, to: unknown, looser: (a: number, b: number) => boolean): Comparison {
  if (from === to) return 'equal';
  if (typeof from !== 'number' || typeof to !== 'number') return 'looser';
  return looser(from, to) ? 'looser' : 'stricter';
}

/** Some entry of `items` that no entry of `by` equals or covers. */
function uncovered(items: string[], by: string[], covers: Covers): boolean {
  return items.some((x) => !by.some((y) => y === x || covers(y, x)));
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x)) && b.every((x) => a.includes(x));
}

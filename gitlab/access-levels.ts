// The names GitLab gives protected-ref access levels: `ProtectedRefAccess.human_access_levels`
// (app/models/concerns/protected_ref_access.rb), which the API returns as `access_level_description` and which audit
// events quote. Users read these names in GitLab's UI, so every place we show a level uses them, never "level:40".

/** `Gitlab::Access` values a protected-ref entry may hold (60 = ADMIN, not on GitLab.com). */
export const HUMAN_ACCESS_LEVELS: Readonly<Record<number, string>> = {
  0: 'No one',
  30: 'Developers + Maintainers',
  40: 'Maintainers',
  60: 'Instance admins',
};

/** Higher is stricter; No one (0) is the strictest of all. */
export function strictness(level: number): number {
  return level === 0 ? Number.MAX_SAFE_INTEGER : level;
}

/** The level of a non-empty list that lets the most people in. */
export function weakestLevel(levels: readonly number[]): number {
  return levels.reduce((a, b) => (strictness(b) < strictness(a) ? b : a));
}

/** GitLab's name for a role level; a level GitLab has no name for is shown with its number. */
export function humanizeAccessLevel(level: number): string {
  return HUMAN_ACCESS_LEVELS[level] ?? `access level ${level}`;
}

/** One protected-ref access entry as people read it: a role by its name, else the user, group or deploy key by id. */
export function describeAccessEntry(e: { access_level?: number | null; user_id?: number | null; group_id?: number | null; deploy_key_id?: number | null }): string {
  if (e.user_id != null) return `user ${e.user_id}`;
  if (e.group_id != null) return `group ${e.group_id}`;
  if (e.deploy_key_id != null) return `deploy key ${e.deploy_key_id}`;
  return e.access_level == null ? 'no access level' : humanizeAccessLevel(e.access_level);
}

/**
 * Settings whose values are protected-ref levels: a protected branch's `*_access_levels` and the default branch
 * protection's `allowed_to_push`/`allowed_to_merge`. A member's `access_level` is a role (Developer, Maintainer:
 * `Gitlab::Access.options`), not one of these, so it is not matched.
 */
export function isAccessLevelSetting(setting: string): boolean {
  return /(^|_)access_levels$|(^|\.)allowed_to_(push|merge)$/.test(setting);
}

/**
 * A level value for people: `Maintainers (40)` (the number is what the baseline and API take); a list of levels
 * (explain's from/to) element by element. Anything else (a user entry, a name) is left as it is.
 */
export function displayAccessValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(displayAccessValue);
  return typeof value === 'number' && Number.isInteger(value) ? `${humanizeAccessLevel(value)} (${value})` : value;
}

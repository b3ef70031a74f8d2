// Pure: an audit event's `details.from`/`details.to` back in the finding's own terms. The REST API sends both as
// strings whatever the stored type (`AuditEvents::CommonModel#formatted_details`: `to_s` of each, so "true", "8",
// "" for nil and Ruby's inspect text for arrays: docs/gitlab-behaviour.md, "Audit events"); streamed events keep
// the stored types. Both are accepted here. A value that does not parse is kept as GitLab wrote it.

import type { ValueKind } from '../../policies/audit';
import { HUMAN_ACCESS_LEVELS } from '../../gitlab/access-levels';

export type { ValueKind };

/** `ProtectedRefAccess.human_access_levels` read backwards: what `humanize` writes for a role entry. */
const LEVEL_OF_NAME: Readonly<Record<string, number>> = Object.fromEntries(Object.entries(HUMAN_ACCESS_LEVELS).map(([level, name]) => [name, Number(level)]));

const VISIBILITY_LEVELS: Readonly<Record<string, string>> = { '0': 'private', '10': 'internal', '20': 'public' };

export function settingValue(raw: unknown, kind: ValueKind | undefined): unknown {
  if (raw === undefined || raw === null || raw === '') return null; // nil.to_s is ""
  switch (kind) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      return raw;
    case 'integer':
      if (typeof raw === 'number') return raw;
      return typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
    case 'visibility':
      if (typeof raw === 'number') return VISIBILITY_LEVELS[String(raw)] ?? raw;
      return typeof raw === 'string' ? (VISIBILITY_LEVELS[raw] ?? raw.toLowerCase()) : raw;
    case 'access-levels': {
      const names = Array.isArray(raw) ? raw : typeof raw === 'string' ? parseRubyStringArray(raw) : undefined;
      // A user, group or deploy key entry is humanized as its name: it stays a name.
      return names ? names.map((n) => (typeof n === 'string' && n in LEVEL_OF_NAME ? LEVEL_OF_NAME[n] : n)) : raw;
    }
    default:
      return raw;
  }
}

/** The negated setting ("prevent merge request approval from authors" is `merge_requests_author_approval`'s opposite). */
export function negated(value: unknown): unknown {
  return typeof value === 'boolean' ? !value : value;
}

/**
 * `["Maintainers", "Developers + Maintainers"]` (Ruby's Array#inspect of strings) -> the strings; undefined when the
 * text is not such an array. Ruby writes the elements with `String#inspect`, which for these names is JSON's quoting.
 */
export function parseRubyStringArray(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) return undefined;
  try {
    const parsed: unknown = JSON.parse(t.replace(/\\#/g, '#'));
    return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

// Git abuse rate limit on top-level groups (Ultimate, docs/gitlab-behaviour.md, Git abuse rate limits): bans or flags a user who downloads
// many unique projects in a short time, the typical bulk exfiltration by a stolen account. The keys are
// absent unless the token is a group admin of a top-level Ultimate group with the feature on.
import type { GlGroup } from '../gitlab/types';
import { defineRule, type FindingDraft } from './rule';
import type { AreaParams } from './params';
import { SCENARIOS } from './scenarios';

type Params = AreaParams<'git-abuse'>;

export interface GitAbuseValues {
  limit: number;
  interval: number;
  autoBan: boolean;
}

/** Shared by the group rule and instance.git-abuse-download-limit: same semantics, other field names. */
export function judgeGitAbuse(
  v: GitAbuseValues,
  params: Params,
  fields: { limit: string; interval: string; autoBan: string },
  where: string,
): FindingDraft[] {
  const out: FindingDraft[] = [];
  if (v.limit === 0) {
    out.push({ setting: fields.limit, expected: params.max_download_limit, actual: 0, message: `The Git abuse download limit of ${where} is disabled (0); the baseline requires 1 to ${params.max_download_limit} unique projects` });
  } else if (v.limit > params.max_download_limit) {
    out.push({ setting: fields.limit, expected: params.max_download_limit, actual: v.limit, message: `The Git abuse download limit of ${where} is ${v.limit} unique projects; the baseline allows at most ${params.max_download_limit}` });
  }
  if (v.interval === 0) {
    out.push({ setting: fields.interval, expected: params.max_interval_seconds, actual: 0, message: `The Git abuse download interval of ${where} is 0, which disables the limit; the baseline requires 1 to ${params.max_interval_seconds} seconds` });
  } else if (v.interval > params.max_interval_seconds) {
    out.push({ setting: fields.interval, expected: params.max_interval_seconds, actual: v.interval, message: `The Git abuse download interval of ${where} is ${v.interval} seconds; the baseline allows at most ${params.max_interval_seconds}` });
  }
  // Auto-ban on when the baseline only asks for notification is stricter, not drift.
  if (params.auto_ban && !v.autoBan) {
    out.push({ setting: fields.autoBan, expected: true, actual: false, message: `Users who exceed the Git abuse download limit of ${where} are not banned automatically` });
  }
  return out;
}

/** The value a fix writes for a finding's setting: the baseline's maximum, or auto-ban on. */
export function gitAbuseFixValue(setting: string, params: Params): number | boolean {
  if (/interval|time_period/.test(setting)) return params.max_interval_seconds;
  if (/auto_ban/.test(setting)) return params.auto_ban;
  return params.max_download_limit;
}

export const GROUP_FIELDS = {
  limit: 'unique_project_download_limit',
  interval: 'unique_project_download_limit_interval_in_seconds',
  autoBan: 'auto_ban_user_on_excessive_projects_download',
} as const;

export const downloadLimit = defineRule({
  id: 'git-abuse.download-limit',
  area: 'git-abuse',
  title: 'Top-level groups limit bulk repository downloads',
  description:
    'A stolen account or token often clones every repository it can reach; the Git abuse limit notices and bans such bulk downloads.',
  severity: 'medium',
  params: ['max_download_limit', 'max_interval_seconds', 'auto_ban'],
  audit: { unavailable: 'GitLab does not audit group Git abuse rate limit settings (no audit event type exists; see docs/gitlab-behaviour.md)' },
  guards: {
    GroupSecurity: {
      fields: ['unique_project_download_limit', 'unique_project_download_limit_interval_in_seconds', 'auto_ban_user_on_excessive_projects_download'],
      declared: (i) =>
        i.unique_project_download_limit !== undefined && i.unique_project_download_limit_interval_in_seconds !== undefined
          ? {
              max_download_limit: i.unique_project_download_limit,
              max_interval_seconds: i.unique_project_download_limit_interval_in_seconds,
              auto_ban: i.auto_ban_user_on_excessive_projects_download === true,
            }
          : null,
    },
  },
  scope: ['group'],
  minTier: 'ultimate',
  scenario: SCENARIOS.hardening,
  needs: { group: ['group'] },
  evaluate: (s, params) => {
    // The setting exists only on top-level groups; subgroups inherit it.
    if (s.kind !== 'group' || !s.topLevel) return [];
    const g: GlGroup = s.group;
    const limit = g[GROUP_FIELDS.limit];
    const interval = g[GROUP_FIELDS.interval];
    const autoBan = g[GROUP_FIELDS.autoBan];
    if (limit === undefined || interval === undefined || autoBan === undefined) {
      return { skip: 'Git abuse settings not visible (needs Owner on a top-level Ultimate group)' };
    }
    return judgeGitAbuse({ limit, interval, autoBan }, params, GROUP_FIELDS, `group ${g.full_path}`);
  },
  fix: (f, params) => ({ method: 'PUT', path: `/groups/${f.target.id}`, body: { [f.setting]: gitAbuseFixValue(f.setting, params) } }),
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [downloadLimit] as const;

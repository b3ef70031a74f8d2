// Membership (lib/api/members.rb, lib/api/entities/member.rb: direct members). Whether a user has 2FA or is
// external is only in the administrator's view of users (GET /users, UserWithAdmin), so the rules that need it
// require an administrator token; the collector joins those flags onto the members.
import type { GlMember } from '../gitlab/types';
import { defineRule, type FindingDraft } from './rule';
import { SCENARIOS } from './scenarios';

const ROLE: Record<number, string> = { 10: 'Guest', 20: 'Reporter', 30: 'Developer', 40: 'Maintainer', 50: 'Owner' };

function ownerName(s: { kind: string; group?: { full_path: string }; project?: { path_with_namespace: string } }): string {
  return s.kind === 'group' ? `group ${s.group!.full_path}` : `project ${s.project!.path_with_namespace}`;
}

function active(m: GlMember): boolean {
  return m.state === 'active';
}

export const membersTooManyOwners = defineRule({
  id: 'members.too-many-owners',
  area: 'members',
  title: 'Few direct Owners and Maintainers',
  description:
    'Owners and Maintainers can change protections, webhooks and CI variables; every extra one is another account whose compromise undoes the baseline. Only direct members count: inherited ones are counted on the group that grants them.',
  severity: 'low',
  params: ['max_owners', 'max_maintainers'],
  audit: { unavailable: 'a count of members has no single change to explain' },
  scope: ['group', 'project'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedAccount,
  needs: { group: ['members'], project: ['project', 'members'] },
  evaluate: (s, params) => {
    if (s.kind === 'instance') return [];
    const where = ownerName(s);
    const out: FindingDraft[] = [];
    for (const [level, max, key] of [
      [50, params.max_owners, 'owners'],
      [40, params.max_maintainers, 'maintainers'],
    ] as const) {
      const holders = s.members.filter((m) => active(m) && m.access_level === level).map((m) => m.username).sort();
      if (holders.length <= max) continue;
      out.push({
        setting: `${key}`,
        expected: max,
        actual: holders.length,
        message: `${where.charAt(0).toUpperCase()}${where.slice(1)} has ${holders.length} direct ${ROLE[level]}s (${holders.join(', ')}); the baseline allows at most ${max}`,
      });
    }
    return out;
  },
  fix: (f) => ({ manual: `Lower the role of some ${f.setting} of ${f.target.path}: which people keep it is a decision for its owners.` }),
});

export const membersTwoFactor = defineRule({
  id: 'members.two-factor',
  area: 'members',
  title: 'Members of groups that require 2FA have it',
  description:
    'A group that requires 2FA still admits members without it during their grace period, and a grace period that never ends in practice leaves a password-only account with access. Counted from when the member joined.',
  severity: 'high',
  params: ['max_hours_without_two_factor'],
  audit: { unavailable: "a member's missing 2FA is not a change of a setting" },
  scope: ['group'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedAccount,
  requiresAdmin: true,
  needs: { group: ['members'] },
  evaluate: (s, params, ctx) => {
    if (s.kind !== 'group' || !s.group.require_two_factor_authentication) return [];
    if (s.members.some((m) => m.two_factor_enabled === undefined && active(m))) return { skip: 'two_factor_enabled of members not readable (needs an administrator token)' };
    const cutoff = Date.parse(ctx.now) - params.max_hours_without_two_factor * 3_600_000;
    return s.members
      .filter((m) => active(m) && m.two_factor_enabled === false && m.created_at !== undefined && Date.parse(m.created_at) < cutoff)
      .map((m) => ({
        setting: 'two_factor_enabled',
        object: m.username,
        expected: true,
        actual: false,
        message: `${m.username} has been a member of group ${s.group.full_path} since ${m.created_at!.slice(0, 10)} without two-factor authentication, although the group requires it (more than ${params.max_hours_without_two_factor} hours)`,
      }));
  },
  fix: (f) => ({ manual: `Ask ${f.object ?? 'the member'} to enable 2FA, or remove them from ${f.target.path}; GitLab cannot turn it on for a user.` }),
});

export const membersExternalElevated = defineRule({
  id: 'members.external-elevated',
  area: 'members',
  title: 'External users have no elevated role',
  description:
    'External users are contractors and partners the instance treats as outsiders; a Maintainer or Owner role gives them control over protections, members and secrets anyway.',
  severity: 'medium',
  params: ['max_external_access_level'],
  audit: { unavailable: 'member role changes are not matched to findings yet' },
  scope: ['group', 'project'],
  minTier: 'free',
  scenario: SCENARIOS.compromisedAccount,
  requiresAdmin: true,
  needs: { group: ['members'], project: ['project', 'members'] },
  evaluate: (s, params) => {
    if (s.kind === 'instance') return [];
    if (s.members.some((m) => m.external === undefined && active(m))) return { skip: 'external flag of members not readable (needs an administrator token)' };
    const where = ownerName(s);
    return s.members
      .filter((m) => active(m) && m.external === true && m.access_level > params.max_external_access_level)
      .map((m) => ({
        setting: 'access_level',
        object: m.username,
        expected: params.max_external_access_level,
        actual: m.access_level,
        message: `External user ${m.username} is a direct ${ROLE[m.access_level] ?? m.access_level} of ${where}; the baseline allows external users at most ${ROLE[params.max_external_access_level]}`,
      }));
  },
  fix: (f) => ({ manual: `Lower the role of external user ${f.object ?? ''} on ${f.target.path} (PUT /${f.target.kind}s/${f.target.id}/members/:user_id) after checking with its owners.` }),
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [membersTooManyOwners, membersTwoFactor, membersExternalElevated] as const;

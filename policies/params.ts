// Per-area parameters: what a profile sets and a baseline's `settings.<area>` overrides (docs/baseline.md,
// "settings.<area>"). Defaults are the `baseline` profile's values.
import { z } from 'zod';

const visibility = z.enum(['private', 'internal', 'public']);
/** Access levels a protected branch can require (docs/gitlab-behaviour.md, Protected branches): 0 No one, 30 Developers + Maintainers, 40 Maintainers, 60 Instance admins (gitlab/access-levels.ts). */
const accessLevel = z.union([z.literal(0), z.literal(30), z.literal(40), z.literal(60)]);

export const areaParams = {
  'two-factor': z
    .object({
      /** Longest grace period (hours) before 2FA is enforced for members. */
      max_grace_period: z.number().int().min(0).default(48),
    })
    .strict(),
  visibility: z
    .object({
      max_group_visibility: visibility.default('internal'),
      max_project_visibility: visibility.default('internal'),
    })
    .strict(),
  'protected-branches': z
    .object({
      /** `default` stands for the project's default branch; others are names or GitLab wildcard patterns. */
      branches: z.array(z.string().min(1)).min(1).default(['default']),
      /** Lowest access level allowed to push (entries below are findings). */
      push_access_level: accessLevel.default(40),
      /** Lowest access level allowed to merge. */
      merge_access_level: accessLevel.default(30),
      allow_force_push: z.boolean().default(false),
      /** A deploy key with push access on a covered branch is a finding unless allowed here. */
      allow_deploy_key_push: z.boolean().default(false),
    })
    .strict(),
  'mr-approvals': z
    .object({
      min_approvals: z.number().int().min(1).max(100).default(1),
    })
    .strict(),
  webhooks: z
    .object({
      /** Host globs (`*.example.com`); empty means "no allowlist" and webhooks.allowed-hosts is skipped. */
      allowed_hosts: z.array(z.string().min(1)).default([]),
    })
    .strict(),
  'git-abuse': z
    .object({
      /** unique_project_download_limit must be in 1..max_download_limit (0 disables the limit). */
      max_download_limit: z.number().int().min(1).max(10_000).default(100),
      /** unique_project_download_limit_interval_in_seconds must be in 1..max_interval_seconds. */
      max_interval_seconds: z.number().int().min(1).max(864_000).default(3600),
      auto_ban: z.boolean().default(true),
    })
    .strict(),
  ci: z
    .object({
      /** Variable keys matching any of these (case-insensitive substrings) must be masked. */
      secret_patterns: z
        .array(z.string().min(1))
        .default(['TOKEN', 'SECRET', 'PASSWORD', 'PRIVATE_KEY', 'API_KEY', 'CREDENTIAL']),
      require_protected: z.boolean().default(false),
    })
    .strict(),
  projects: z
    .object({
      /** Most open forking_access_level allowed: disabled < private (members only) < enabled. */
      max_forking_access_level: z.enum(['disabled', 'private', 'enabled']).default('private'),
      /** An unarchived project with no activity for this many months is a finding. */
      inactive_months: z.number().int().min(1).max(120).default(6),
    })
    .strict(),
  groups: z
    .object({
      /** Most open project_creation_level allowed: noone < administrator < owner < maintainer < developer. */
      max_project_creation_level: z.enum(['noone', 'administrator', 'owner', 'maintainer', 'developer']).default('maintainer'),
      /** Most open subgroup_creation_level allowed: owner < maintainer. */
      max_subgroup_creation_level: z.enum(['owner', 'maintainer']).default('maintainer'),
      /** default_branch_protection_defaults: lowest role allowed to push / merge to a new project's default branch. */
      default_branch_push_access_level: accessLevel.default(40),
      default_branch_merge_access_level: accessLevel.default(30),
    })
    .strict(),
  'push-rules': z.object({}).strict(),
  members: z
    .object({
      /** More direct members with the Owner role than this is a finding. */
      max_owners: z.number().int().min(1).max(1000).default(3),
      /** More direct members with the Maintainer role than this is a finding. */
      max_maintainers: z.number().int().min(1).max(1000).default(10),
      /** Hours a member of a group that requires 2FA may stay without it (from joining). */
      max_hours_without_two_factor: z.number().int().min(0).default(48),
      /** Highest role an external user may hold (30 Developer). */
      max_external_access_level: z.union([z.literal(10), z.literal(20), z.literal(30), z.literal(40), z.literal(50)]).default(30),
    })
    .strict(),
  instance: z
    .object({
      /** email_confirmation_setting must be at least this: soft (sign in while confirming) < hard. */
      min_email_confirmation: z.enum(['soft', 'hard']).default('soft'),
      /** max_personal_access_token_lifetime (days) must be set and at most this. */
      max_pat_lifetime_days: z.number().int().min(1).max(400).default(365),
      /** An administrator without activity for this many months is a finding. */
      stale_admin_months: z.number().int().min(1).max(120).default(6),
    })
    .strict(),
} as const;

export type Area = keyof typeof areaParams;
export const AREAS = Object.keys(areaParams) as Area[];
export type AreaParams<A extends Area> = z.output<(typeof areaParams)[A]>;
export type AllParams = { [A in Area]: AreaParams<A> };

// docs/baseline.md: every key of baseline.yaml with its type, default and allowed values, walked from the zod
// schemas (checks/baseline/schema.ts, policies/params.ts) so the reference cannot drift from the loader; the
// short notes are hand-written here. `npm run docs` writes it; test/docs fails when it is stale.
import { z } from 'zod';
import { baselineSchema, loadProfile, describe, PROFILE_NAMES } from './baseline';
import { AREAS, areaParams } from '../policies/params';
import { RULE_IDS } from '../policies/rule-ids';

export interface BaselineKeyDoc {
  /** e.g. `settings.mr-approvals.min_approvals`, `waivers[].rule`. */
  key: string;
  type: string;
  /** Rendered default, or "required" / "none". */
  default: string;
  note: string;
}

/** One line per key. test/docs checks every key of the schema has one, so a new key cannot ship undocumented. */
export const KEY_NOTES: Record<string, string> = {
  gitlab: 'Where GitLab is. Optional: `--url` and `GITLAB_URL` override it.',
  'gitlab.url': 'The GitLab base URL (no `/api/v4`). The token never goes here: it only comes from `GITLAB_TOKEN` (or Pulumi secret config `gitlab:token`).',
  'gitlab.tier': 'Pins the tier. When absent it is detected (`/license`, the group plan, licence-gated fields); pin it when detection is wrong. Rules above the tier are reported as `skipped`.',
  targets: 'What is checked. At least one group or project.',
  'targets.groups': 'Full paths of groups; all their subgroups and projects are included. A path already covered by a listed group is rejected.',
  'targets.projects': 'Extra single projects by full path (outside the listed groups).',
  'targets.exclude': 'Globs on full paths (`acme/sandbox/**` also matches `acme/sandbox`); excluded targets are not read at all.',
  profile: 'The built-in profile the settings and rule switches start from (policies/profiles/*.yaml; docs/rules.md lists its values).',
  settings: 'Per-area parameter overrides of the profile; only the keys you name change.',
  rules: 'Turn single rules on or off (`on`/`off` or `true`/`false`) over the profile. `gitlab-posture gate` treats turning one off as weakening.',
  waivers: 'Accepted exceptions. A waived finding is still reported (`waived: true`) but does not fail the run.',
  'waivers[].rule': 'A rule id or rule-id glob (`webhooks.*`); a glob that matches no rule is rejected.',
  'waivers[].target': 'A full path or path glob; `(instance)` for instance rules.',
  'waivers[].object':
    "Only the finding with this `object` (a hook id, a variable key: the finding's `object` in `check --format json`). Without it the waiver covers every finding of the rule on the target, so a new hook or variable would be waived too.",
  'waivers[].branch':
    "Only the finding on this protected branch name or pattern (the finding's `branch`), compared exactly: `release/*` names the protected-branch entry `release/*`, not each release branch.",
  'waivers[].reason': 'Why the exception is accepted (shown in reports). Not empty.',
  'waivers[].expires': 'YYYY-MM-DD (UTC). The waiver applies until the start of that day. An expired waiver is reported and no longer applies.',
  'settings.two-factor.max_grace_period': 'Hours members may sign in without 2FA once it is required (two-factor.grace-period, instance.two-factor-grace-period).',
  'settings.visibility.max_group_visibility': 'Most open visibility a group may have (private < internal < public).',
  'settings.visibility.max_project_visibility': 'Most open visibility a project may have.',
  'settings.protected-branches.branches': '`default` is the project\'s default branch; other entries are branch names or GitLab wildcard patterns (`release/*`) that must be protected.',
  'settings.protected-branches.push_access_level': 'Lowest role allowed to push to a covered branch, by the names GitLab shows: 0 No one, 30 Developers + Maintainers, 40 Maintainers, 60 Instance admins (not on GitLab.com). An entry below it is a finding.',
  'settings.protected-branches.merge_access_level': 'Lowest role allowed to merge into a covered branch (same levels).',
  'settings.protected-branches.allow_force_push': 'Whether force push may be allowed on covered branches.',
  'settings.protected-branches.allow_deploy_key_push': 'Whether a deploy key may have push access on covered branches.',
  'settings.mr-approvals.min_approvals': 'Approvals the rules covering the default branch must require at least.',
  'settings.webhooks.allowed_hosts': 'Host globs (`*.example.com`) webhook URLs may point to. Empty: no allowlist, webhooks.allowed-hosts is skipped.',
  'settings.git-abuse.max_download_limit': 'unique_project_download_limit must be 1..this (0 means the limit is off). Top-level groups, Ultimate.',
  'settings.git-abuse.max_interval_seconds': 'unique_project_download_limit_interval_in_seconds must be 1..this.',
  'settings.git-abuse.auto_ban': 'Whether users who exceed the limit must be banned automatically.',
  'settings.ci.secret_patterns': 'Case-insensitive substrings of variable keys that mark a secret, which must be masked.',
  'settings.ci.require_protected': 'Secret-looking variables must also be protected (only on protected branches and tags).',
  'settings.projects.max_forking_access_level': 'Most open forking_access_level a project may have: disabled < private (members only) < enabled.',
  'settings.projects.inactive_months': 'An unarchived project without activity (last_activity_at) for this many months is a finding (projects.inactive).',
  'settings.groups.max_project_creation_level': 'Most open project_creation_level: noone < administrator < owner < maintainer < developer.',
  'settings.groups.max_subgroup_creation_level': 'Most open subgroup_creation_level: owner < maintainer.',
  'settings.groups.default_branch_push_access_level': 'Lowest role default_branch_protection_defaults may let push to a new project\'s default branch (group and instance).',
  'settings.groups.default_branch_merge_access_level': 'Lowest role default_branch_protection_defaults may let merge into it.',
  'settings.members.max_owners': 'Most direct Owners a group or project may have (members.too-many-owners).',
  'settings.members.max_maintainers': 'Most direct Maintainers a group or project may have.',
  'settings.members.max_hours_without_two_factor': 'Hours since joining a group that requires 2FA after which a member without 2FA is a finding (administrator token).',
  'settings.members.max_external_access_level': 'Highest role an external user may hold directly: 10 Guest, 20 Reporter, 30 Developer, 40 Maintainer, 50 Owner.',
  'settings.instance.min_email_confirmation': 'email_confirmation_setting must be at least this: soft < hard.',
  'settings.instance.max_pat_lifetime_days': 'max_personal_access_token_lifetime must be set and at most this many days (Ultimate).',
  'settings.instance.stale_admin_months': 'An active administrator without activity for this many months is a finding.',
};

type Shape = Record<string, z.ZodType>;

function unwrap(s: z.ZodType): { inner: z.ZodType; optional: boolean; default?: unknown } {
  let cur = s;
  let optional = false;
  let dflt: unknown;
  for (;;) {
    if (cur instanceof z.ZodOptional) optional = true;
    else if (cur instanceof z.ZodDefault) dflt = (cur.def as { defaultValue: unknown }).defaultValue;
    else break;
    cur = cur.def.innerType as z.ZodType;
  }
  return { inner: cur, optional, ...(dflt !== undefined ? { default: dflt } : {}) };
}

const code = (v: unknown) => `\`${JSON.stringify(v)}\``;

export function baselineKeyDocs(): BaselineKeyDoc[] {
  const out: BaselineKeyDoc[] = [];
  const walk = (shape: Shape, prefix: string) => {
    for (const [name, schema] of Object.entries(shape)) {
      const key = prefix ? `${prefix}.${name}` : name;
      if (key === 'settings') {
        out.push({ key, type: 'mapping of area -> parameters', default: 'the profile\'s values', note: KEY_NOTES[key] ?? '' });
        continue;
      }
      if (key === 'rules') {
        out.push({ key, type: `mapping of rule id -> on, off, true or false (${RULE_IDS.length} rule ids)`, default: 'the profile\'s switches', note: KEY_NOTES[key] ?? '' });
        continue;
      }
      const { inner, optional, default: dflt } = unwrap(schema);
      const fallback = dflt !== undefined ? code(dflt) : optional ? 'none (optional)' : 'required';
      if (inner instanceof z.ZodObject) {
        out.push({ key, type: 'mapping', default: optional ? 'none (optional)' : 'required', note: KEY_NOTES[key] ?? '' });
        walk(inner.shape as Shape, key);
      } else if (inner instanceof z.ZodArray && unwrap(inner.element as z.ZodType).inner instanceof z.ZodObject) {
        out.push({ key, type: 'list of mappings', default: fallback, note: KEY_NOTES[key] ?? '' });
        walk((unwrap(inner.element as z.ZodType).inner as z.ZodObject).shape as Shape, `${key}[]`);
      } else {
        out.push({ key, type: describeType(key, inner), default: fallback, note: KEY_NOTES[key] ?? '' });
      }
    }
  };
  walk(baselineSchema.shape as unknown as Shape, '');
  return out;
}

/** The loader's own words for a schema, with the custom-checked strings named for what they are. */
function describeType(key: string, s: z.ZodType): string {
  const custom: Record<string, string> = {
    'gitlab.url': 'an http(s) URL',
    'targets.groups': 'a list of full paths (no globs)',
    'targets.projects': 'a list of full paths (no globs)',
    'targets.exclude': 'a list of path globs',
    'waivers[].rule': 'a rule id or rule-id glob',
    'waivers[].target': 'a full path or path glob',
    'waivers[].expires': 'a date YYYY-MM-DD',
    'waivers[].object': 'text (a YAML number is read as text)',
    'waivers[].branch': 'text',
  };
  return custom[key] ?? describe(s);
}

export interface SettingDoc {
  key: string;
  type: string;
  default: unknown;
  profiles: Record<string, unknown>;
  note: string;
}

export function settingDocs(): SettingDoc[] {
  const profiles = PROFILE_NAMES.map((n) => [n, loadProfile(n).settings as Record<string, Record<string, unknown> | undefined>] as const);
  return AREAS.flatMap((area) => {
    const schema = areaParams[area];
    const defaults = schema.parse({}) as Record<string, unknown>;
    return Object.entries(schema.shape as Shape).map(([name, s]) => {
      const key = `settings.${area}.${name}`;
      return {
        key,
        type: describe(unwrap(s).inner),
        default: defaults[name],
        profiles: Object.fromEntries(profiles.map(([n, p]) => [n, p[area]?.[name] ?? defaults[name]])),
        note: KEY_NOTES[key] ?? '',
      };
    });
  });
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function baselineMarkdown(): string {
  const keys = baselineKeyDocs();
  const settings = settingDocs();
  return [
    '# baseline.yaml reference',
    '',
    '<!-- Generated from checks/baseline/schema.ts and policies/params.ts by `npm run docs`; notes in checks/baseline-doc.ts. Do not edit by hand. -->',
    '',
    'A baseline names the GitLab, the targets, a built-in profile, overrides and waivers. It is validated before',
    'anything is contacted: unknown keys, wrong types, bad globs and impossible dates are rejected with the file, the',
    'line and the key path. A waiver past its `expires` date is not an error: every command loads it, reports it under',
    '"Expired waivers" and no longer applies it. `gitlab-posture init --group PATH` writes a commented one from the live state.',
    '',
    '```yaml',
    'gitlab: { url: https://gitlab.example.com }',
    'targets: { groups: [acme], exclude: ["acme/sandbox/**"] }',
    'profile: hardened',
    'settings:',
    '  mr-approvals: { min_approvals: 2 }',
    'rules:',
    '  ci.job-token-scope: off',
    'waivers:',
    '  - { rule: visibility.project, target: acme/docs-site, reason: public documentation site, expires: 2027-03-01 }',
    '```',
    '',
    '## Keys',
    '',
    '| key | type | default | notes |',
    '|---|---|---|---|',
    ...keys.map((k) => `| \`${k.key}\` | ${cell(k.type)} | ${cell(k.default)} | ${cell(k.note)} |`),
    '',
    '## settings.&lt;area&gt;',
    '',
    `Each key may be set alone; the rest keep the profile's value. "default" is the schema's value when neither`,
    'the profile nor the baseline names the key. Which rule reads which key: docs/rules.md.',
    '',
    `| key | type | default | ${PROFILE_NAMES.join(' | ')} | notes |`,
    `|---|---|---|${PROFILE_NAMES.map(() => '---|').join('')}---|`,
    ...settings.map(
      (s) =>
        `| \`${s.key}\` | ${cell(s.type)} | ${cell(code(s.default))} | ${PROFILE_NAMES.map((n) => cell(code(s.profiles[n]))).join(' | ')} | ${cell(s.note)} |`,
    ),
    '',
    '## rules',
    '',
    'Rule ids accepted under `rules:` and in waivers (globs like `mr-approvals.*` select an area in waivers):',
    '',
    ...RULE_IDS.map((id) => `- \`${id}\``),
    '',
  ].join('\n');
}

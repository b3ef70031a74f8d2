// Protected branches (gitlab-api.md §3.4, §3.5). The required branches are params.branches with `default`
// standing for the project's default branch. Every protection matching a required branch is judged: when
// several match, GitLab lets the most permissive one win (policies/match.ts). Group-level protections show up
// with `inherited: true`; they protect, but can only be changed on the group, so their fixes are manual.
// Fixes PATCH in place (additive: `{id, access_level}` updates, `{id, _destroy: true}` removes, quirk 4) and never
// unprotect + re-protect, which would open a window with no protection and drop the branch from approval rules.
import type { GlAccessLevelEntry, GlProtectedBranch } from '../gitlab/types';
import type { Finding } from '../model/result';
import type { Area, AreaParams } from './params';
import { BRANCH_UPDATED, branchEvents, CODE_OWNER_EVENTS, FORCE_PUSH_EVENTS, MERGE_ACCESS_CHANGES, PUSH_ACCESS_CHANGES } from './audit';
import type { ProtectedBranchInputs } from '../model/resources';
import { defineRule, type Fix, type FindingDraft, type Subject } from './rule';
import { patternCovers, relevantProtections, requiredBranches } from './match';
import { SCENARIOS } from './scenarios';
import { missingFixData } from './fix-data';

type Params = AreaParams<'protected-branches'>;
type AccessList = 'push_access_levels' | 'merge_access_levels';
/** One element of a PATCH `allowed_to_push` / `allowed_to_merge` list. */
export type AccessChange = { id: number; _destroy: true } | { id: number; access_level: number } | { access_level: number };

const LEVEL_NAMES: Record<number, string> = { 0: 'No one', 30: 'Developers + Maintainers', 40: 'Maintainers', 60: 'Admins' };

export function describeLevel(level: number): string {
  return LEVEL_NAMES[level] ?? `access level ${level}`;
}

/** Higher is stricter; No one (0) is the strictest of all. */
export function strictness(level: number): number {
  return level === 0 ? Number.MAX_SAFE_INTEGER : level;
}

function isRoleEntry(e: GlAccessLevelEntry): e is GlAccessLevelEntry & { access_level: number } {
  return e.access_level != null && e.user_id == null && e.group_id == null && e.deploy_key_id == null;
}

function pathOf(f: Pick<Finding, 'target' | 'branch'>): string {
  return `/projects/${f.target.id}/protected_branches/${encodeURIComponent(f.branch ?? '')}`;
}

function inheritedManual(branch: string | undefined): { manual: string } {
  return {
    manual:
      `Protected branch ${branch} is inherited from a group-level protection (gitlab-api.md §3.5); change it on the ` +
      `top-level group with PATCH /groups/:id/protected_branches/${encodeURIComponent(branch ?? '')}.`,
  };
}

function protections(s: Subject, params: Params): GlProtectedBranch[] {
  return s.kind === 'project' ? relevantProtections(s.protectedBranches, params.branches, s.project.default_branch) : [];
}

function inheritedData(p: GlProtectedBranch): { inherited?: true } {
  return p.inherited ? { inherited: true } : {};
}

/**
 * Role entries below `floor`: one finding per protection, whose fix removes them, or (when no role entry at the
 * floor or stricter would remain) raises the first one to the floor — so the branch never ends with no role entry
 * and never gets a duplicate level (422 "has already been taken").
 */
function weakRoleFinding(p: GlProtectedBranch, list: AccessList, floor: number, verb: string): FindingDraft | null {
  const roles = p[list].filter(isRoleEntry);
  const weak = roles.filter((e) => strictness(e.access_level) < strictness(floor));
  if (weak.length === 0) return null;
  const keep = roles.length > weak.length;
  const changes: AccessChange[] = weak.map((e, i) =>
    !keep && i === 0 ? { id: e.id, access_level: floor } : { id: e.id, _destroy: true },
  );
  const weakest = weak.reduce((a, b) => (strictness(b.access_level) < strictness(a.access_level) ? b : a));
  return {
    setting: list,
    branch: p.name,
    expected: floor,
    actual: weakest.access_level,
    message:
      `${describeLevel(weakest.access_level)} can ${verb} protected branch ${p.name}; ` +
      `the baseline allows only ${describeLevel(floor)} (${floor}) or stricter`,
    fixData: { changes, ...inheritedData(p) },
  };
}

/** `{user_id}` / `{group_id}` entries grant a named user or group more than a role floor above Developer does. */
function userGroupFindings(p: GlProtectedBranch, list: AccessList, floor: number, verb: string): FindingDraft[] {
  if (strictness(floor) <= 30) return [];
  return p[list]
    .filter((e) => e.user_id != null || e.group_id != null)
    .map((e) => {
      const who = e.user_id != null ? `user ${e.user_id}` : `group ${e.group_id}`;
      const named = e.access_level_description ? ` (${e.access_level_description})` : '';
      return {
        setting: list,
        branch: p.name,
        object: who,
        expected: floor,
        actual: e.user_id != null ? { user_id: e.user_id } : { group_id: e.group_id },
        message:
          `${who[0]!.toUpperCase()}${who.slice(1)}${named} can ${verb} protected branch ${p.name} through a ` +
          `${e.user_id != null ? 'user' : 'group'} entry; the baseline allows only ${describeLevel(floor)} (${floor}) or stricter roles`,
        fixData: { changes: [{ id: e.id, _destroy: true }], ...inheritedData(p) },
      };
    });
}

function accessFix(f: Finding, key: 'allowed_to_push' | 'allowed_to_merge'): Fix {
  if (f.fixData?.inherited) return inheritedManual(f.branch);
  const changes = f.fixData?.changes as AccessChange[] | undefined;
  // Without the entry ids an empty PATCH would "succeed" and change nothing: refuse instead.
  if (!Array.isArray(changes) || changes.length === 0) return missingFixData(f, 'access-level entry ids');
  // Removing a user/group/deploy-key entry takes access away from someone named: revert asks for --allow-destructive.
  const destructive = f.object !== undefined;
  return { method: 'PATCH', path: pathOf(f), body: { [key]: changes }, ...(destructive ? { destructive: true } : {}) };
}

function accessRule(list: AccessList, floorOf: (p: Params) => number, verb: string) {
  return (s: Subject, params: Params): FindingDraft[] =>
    protections(s, params).flatMap((p) => {
      const role = weakRoleFinding(p, list, floorOf(params), verb);
      return [...(role ? [role] : []), ...userGroupFindings(p, list, floorOf(params), verb)];
    });
}

const common = {
  area: 'protected-branches' as const satisfies Area,
  scope: ['project' as const],
  scenario: SCENARIOS.misconfiguredSettings,
};

/** The parameters a ProtectedBranch resource declares; undeclared levels default to Maintainer for the POST that
 * protects a missing branch (never weaker). */
function branchParams(i: ProtectedBranchInputs) {
  return {
    branches: [i.name],
    push_access_level: (i.push_access_level ?? 40) as 0 | 30 | 40 | 60,
    merge_access_level: (i.merge_access_level ?? 40) as 0 | 30 | 40 | 60,
    allow_force_push: i.allow_force_push ?? false,
    allow_deploy_key_push: true,
  };
}

export const defaultProtected = defineRule({
  ...common,
  id: 'protected-branches.default-protected',
  title: 'The default branch and required branches are protected',
  description:
    'An unprotected default branch lets any Developer push, force-push or delete it, bypassing review and the approvals that guard production code.',
  severity: 'high',
  params: ['branches'],
  // The ProtectedBranch resource exists to protect its branch; a missing protection is created with the declared levels.
  audit: {
    events: ['protected_branch_removed'],
    match: 'branch',
    implied: { protected_branch_removed: { from: true, to: false } },
  },
  guards: { ProtectedBranch: { fields: ['name'], declared: (i) => branchParams(i) } },
  minTier: 'free',
  needs: { project: ['project', 'protectedBranches'] },
  evaluate: (s, params) => {
    if (s.kind !== 'project') return [];
    const def = s.project.default_branch;
    return requiredBranches(params.branches, def)
      .filter((r) => !s.protectedBranches.some((p) => patternCovers(p.name, r)))
      .map((r) => ({
        setting: 'protected',
        branch: r,
        expected: true,
        actual: false,
        message:
          r === def
            ? `Default branch ${r} of project ${s.project.path_with_namespace} is not protected`
            : `No protected branch rule of project ${s.project.path_with_namespace} covers ${r}`,
      }));
  },
  fix: (f, params) => ({
    method: 'POST',
    path: `/projects/${f.target.id}/protected_branches`,
    body: {
      name: f.branch,
      push_access_level: params.push_access_level,
      merge_access_level: params.merge_access_level,
      allow_force_push: false,
    },
  }),
});

export const push = defineRule({
  ...common,
  id: 'protected-branches.push',
  title: 'Only allowed roles can push to protected branches',
  description:
    'Direct pushes skip merge requests, approvals and pipelines; a push level below Maintainer, or a named user or group, widens who can change protected code unreviewed.',
  severity: 'high',
  params: ['branches', 'push_access_level'],
  audit: branchEvents([BRANCH_UPDATED], PUSH_ACCESS_CHANGES, 'access-levels'),
  guards: { ProtectedBranch: { fields: ['push_access_level'], declared: (i) => (i.push_access_level !== undefined ? branchParams(i) : null) } },
  minTier: 'free',
  needs: { project: ['project', 'protectedBranches'] },
  evaluate: accessRule('push_access_levels', (p) => p.push_access_level, 'push to'),
  fix: (f) => accessFix(f, 'allowed_to_push'),
});

export const merge = defineRule({
  ...common,
  id: 'protected-branches.merge',
  title: 'Only allowed roles can merge into protected branches',
  description: 'Whoever can merge decides what lands on the branch once approvals are met; a lower merge level widens that circle.',
  severity: 'medium',
  params: ['branches', 'merge_access_level'],
  audit: branchEvents([BRANCH_UPDATED], MERGE_ACCESS_CHANGES, 'access-levels'),
  guards: { ProtectedBranch: { fields: ['merge_access_level'], declared: (i) => (i.merge_access_level !== undefined ? branchParams(i) : null) } },
  minTier: 'free',
  needs: { project: ['project', 'protectedBranches'] },
  evaluate: accessRule('merge_access_levels', (p) => p.merge_access_level, 'merge into'),
  fix: (f) => accessFix(f, 'allowed_to_merge'),
});

export const forcePush = defineRule({
  ...common,
  id: 'protected-branches.force-push',
  title: 'Protected branches refuse force push',
  description: 'Force push rewrites history on a protected branch: reviewed commits can be replaced and evidence of a change erased.',
  severity: 'high',
  params: ['branches', 'allow_force_push'],
  audit: branchEvents(FORCE_PUSH_EVENTS, ['allow force push'], 'boolean'),
  guards: { ProtectedBranch: { fields: ['allow_force_push'], declared: (i) => (i.allow_force_push !== undefined ? branchParams(i) : null) } },
  minTier: 'free',
  needs: { project: ['project', 'protectedBranches'] },
  evaluate: (s, params) =>
    params.allow_force_push
      ? []
      : protections(s, params)
          .filter((p) => p.allow_force_push)
          .map((p) => ({
            setting: 'allow_force_push',
            branch: p.name,
            expected: false,
            actual: true,
            message: `Force push is allowed on protected branch ${p.name}`,
            ...(p.inherited ? { fixData: { inherited: true } } : {}),
          })),
  fix: (f) => (f.fixData?.inherited ? inheritedManual(f.branch) : { method: 'PATCH', path: pathOf(f), body: { allow_force_push: false } }),
});

export const codeOwnerApproval = defineRule({
  ...common,
  id: 'protected-branches.code-owner-approval',
  title: 'Protected branches require code owner approval',
  description: 'Code owner approval makes the owners of the touched files approve, so an approval from an unrelated member is not enough.',
  severity: 'medium',
  params: ['branches'],
  audit: branchEvents(CODE_OWNER_EVENTS, ['code owner approval required'], 'boolean'),
  guards: {
    ProtectedBranch: {
      fields: ['code_owner_approval_required'],
      declared: (i) => (i.code_owner_approval_required === true ? branchParams(i) : null),
    },
  },
  minTier: 'premium',
  needs: { project: ['project', 'protectedBranches'] },
  evaluate: (s, params) => {
    const ps = protections(s, params);
    // Licence-gated key: absent below Premium, which is not false (gitlab-api.md §2, quirk 3).
    if (ps.some((p) => p.code_owner_approval_required === undefined)) {
      return { skip: 'code_owner_approval_required not returned (needs Premium)' };
    }
    return ps
      .filter((p) => !p.code_owner_approval_required)
      .map((p) => ({
        setting: 'code_owner_approval_required',
        branch: p.name,
        expected: true,
        actual: false,
        message: `Protected branch ${p.name} does not require code owner approval`,
        ...(p.inherited ? { fixData: { inherited: true } } : {}),
      }));
  },
  fix: (f) =>
    f.fixData?.inherited ? inheritedManual(f.branch) : { method: 'PATCH', path: pathOf(f), body: { code_owner_approval_required: true } },
});

export const deployKeyPush = defineRule({
  ...common,
  id: 'protected-branches.deploy-key-push',
  title: 'Deploy keys cannot push to protected branches',
  description:
    'A deploy key with push access writes to the branch with no user, no 2FA and no review; a leaked key is a direct path to production code.',
  severity: 'high',
  params: ['branches', 'allow_deploy_key_push'],
  audit: branchEvents([BRANCH_UPDATED], PUSH_ACCESS_CHANGES, 'access-levels'),
  minTier: 'free',
  needs: { project: ['project', 'protectedBranches'] },
  evaluate: (s, params) =>
    params.allow_deploy_key_push
      ? []
      : protections(s, params).flatMap((p) =>
          p.push_access_levels
            .filter((e) => e.deploy_key_id != null)
            .map((e) => ({
              setting: 'push_access_levels',
              branch: p.name,
              object: `deploy key ${e.deploy_key_id}`,
              expected: null,
              actual: { deploy_key_id: e.deploy_key_id },
              message: `Deploy key ${e.deploy_key_id} (${e.access_level_description}) can push to protected branch ${p.name}`,
              fixData: { changes: [{ id: e.id, _destroy: true }], ...inheritedData(p) },
            })),
        ),
  fix: (f) => accessFix(f, 'allowed_to_push'),
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [defaultProtected, push, merge, forcePush, codeOwnerApproval, deployKeyPush] as const;

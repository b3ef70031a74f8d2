// Protected branches (GitLab behaviours in docs/gitlab-behaviour.md, Protected branches). The required branches
// are params.branches with `default` standing for the project's default branch. Push, merge and force push follow
// the most permissive matching protection (ProtectedRef.protected_ref_accessible_to?, ProtectedBranch.allow_force_push?),
// so every protection matching a required branch is judged; code owner approval follows the most restrictive one
// (EE ProtectedBranch.branch_requires_code_owner_approval?: any matching protection that requires it), so it is
// judged per required branch. Group-level protections show up with `inherited: true`; they protect, but can only be
// changed on the group, so their fixes are manual. Fixes PATCH in place (additive: `{id, access_level}` updates,
// `{id, _destroy: true}` removes) and never unprotect + re-protect, which would open a window with no protection and
// drop the branch from approval rules. GitLab CE's PATCH drops access-level entries (API::Helpers::ProtectedBranchesHelpers
// declares none), so on CE those fixes are manual.
import type { GlAccessLevelEntry, GlProtectedBranch } from '../gitlab/types';
import type { Finding } from '../model/result';
import type { Area, AreaParams } from './params';
import { BRANCH_UPDATED, branchEvents, CODE_OWNER_EVENTS, FORCE_PUSH_EVENTS, MERGE_ACCESS_CHANGES, PUSH_ACCESS_CHANGES } from './audit';
import type { ProtectedBranchInputs } from '../model/resources';
import { humanizeAccessLevel, strictness } from '../gitlab/access-levels';
import { defineRule, type EvalContext, type Fix, type FindingDraft, type Subject } from './rule';
import { patternCovers, relevantProtections, requiredBranches } from './match';
import { SCENARIOS } from './scenarios';
import { missingFixData } from './fix-data';

type Params = AreaParams<'protected-branches'>;
type AccessList = 'push_access_levels' | 'merge_access_levels';
/** One element of a PATCH `allowed_to_push` / `allowed_to_merge` list. */
export type AccessChange = { id: number; _destroy: true } | { id: number; access_level: number } | { access_level: number };

/** GitLab's name for a level (`ProtectedRefAccess.human_access_levels`), as its UI and API show it. */
export const describeLevel = humanizeAccessLevel;


function isRoleEntry(e: GlAccessLevelEntry): e is GlAccessLevelEntry & { access_level: number } {
  return e.access_level != null && e.user_id == null && e.group_id == null && e.deploy_key_id == null;
}

function pathOf(f: Pick<Finding, 'target' | 'branch'>): string {
  return `/projects/${f.target.id}/protected_branches/${encodeURIComponent(f.branch ?? '')}`;
}

function inheritedManual(branch: string | undefined): { manual: string } {
  return {
    manual:
      `Protected branch ${branch} is inherited from a group-level protection (docs/gitlab-behaviour.md, Protected branches); change it on the ` +
      `top-level group with PATCH /groups/:id/protected_branches/${encodeURIComponent(branch ?? '')}.`,
  };
}

/**
 * GitLab CE: PATCH /projects/:id/protected_branches/:name declares `allow_force_push` and, inside `allowed_to_push`,
 * only `deploy_key_id` (lib/api/helpers/protected_branches_helpers.rb; `optional_params_ee` is empty): access-level
 * entries, ids and `_destroy` are dropped and the call still answers 200. Writing it would be "applied" and then
 * not verified, so the fix is manual.
 */
function ceManual(branch: string | undefined): { manual: string } {
  return {
    manual:
      `GitLab CE ignores access-level changes in PATCH /projects/:id/protected_branches/${encodeURIComponent(branch ?? '')} ` +
      '(it declares only allow_force_push and deploy-key entries, API::Helpers::ProtectedBranchesHelpers, and answers 200); ' +
      'change who can push/merge in Settings > Repository > Protected branches, or unprotect and protect the branch again ' +
      'with push_access_level/merge_access_level (it is unprotected in between). See docs/gitlab-behaviour.md, Protected branches.',
  };
}

/** GitLab.com refuses access level 60 on protected refs (ProtectedRefAccess.allowed_access_levels excludes ADMIN there). */
function adminLevelManual(what: string): { manual: string } {
  return {
    manual:
      `GitLab.com refuses access level 60 (instance admins) for ${what} (ProtectedRefAccess.allowed_access_levels); ` +
      'set the baseline to 40 (Maintainers) or 0 (No one). See docs/gitlab-behaviour.md, Protected branches.',
  };
}

/** What a fix must know of the instance, carried in fixData because `fix` sees only the finding. */
function instanceData(ctx: EvalContext | undefined, levels: readonly number[]): { ce?: true; gitlab_com_admin?: true } {
  return {
    ...(ctx?.edition === 'ce' ? { ce: true as const } : {}),
    ...(ctx?.gitlabCom && levels.includes(60) ? { gitlab_com_admin: true as const } : {}),
  };
}

function protections(s: Subject, params: Params): GlProtectedBranch[] {
  return s.kind === 'project' ? relevantProtections(s.protectedBranches, params.branches, s.project.default_branch ?? null) : [];
}

function inheritedData(p: GlProtectedBranch): { inherited?: true } {
  return p.inherited ? { inherited: true } : {};
}

/**
 * Role entries below `floor`: one finding per protection, whose fix removes them, or (when no role entry at the
 * floor or stricter would remain) raises the first one to the floor — so the branch never ends with no role entry
 * and never gets a duplicate level (422 "has already been taken").
 */
function weakRoleFinding(p: GlProtectedBranch, list: AccessList, floor: number, verb: string, ctx?: EvalContext): FindingDraft | null {
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
    fixData: { changes, ...inheritedData(p), ...instanceData(ctx, [floor]) },
  };
}

/** `{user_id}` / `{group_id}` entries grant a named user or group more than a role floor above Developer does. */
function userGroupFindings(p: GlProtectedBranch, list: AccessList, floor: number, verb: string, ctx?: EvalContext): FindingDraft[] {
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
        fixData: { changes: [{ id: e.id, _destroy: true }], ...inheritedData(p), ...instanceData(ctx, []) },
      };
    });
}

function accessFix(f: Finding, key: 'allowed_to_push' | 'allowed_to_merge'): Fix {
  if (f.fixData?.inherited) return inheritedManual(f.branch);
  if (f.fixData?.ce) return ceManual(f.branch);
  if (f.fixData?.gitlab_com_admin) return adminLevelManual(`${key} on protected branch ${f.branch}`);
  const changes = f.fixData?.changes as AccessChange[] | undefined;
  // Without the entry ids an empty PATCH would "succeed" and change nothing: refuse instead.
  if (!Array.isArray(changes) || changes.length === 0) return missingFixData(f, 'access-level entry ids');
  // Removing a user/group/deploy-key entry takes access away from someone named: revert asks for --allow-destructive.
  const destructive = f.object !== undefined;
  return { method: 'PATCH', path: pathOf(f), body: { [key]: changes }, ...(destructive ? { destructive: true } : {}) };
}

function accessRule(list: AccessList, floorOf: (p: Params) => number, verb: string) {
  return (s: Subject, params: Params, ctx?: EvalContext): FindingDraft[] =>
    protections(s, params).flatMap((p) => {
      const role = weakRoleFinding(p, list, floorOf(params), verb, ctx);
      return [...(role ? [role] : []), ...userGroupFindings(p, list, floorOf(params), verb, ctx)];
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
  evaluate: (s, params, ctx) => {
    if (s.kind !== 'project') return [];
    const def = s.project.default_branch ?? null;
    // POST declares push_access_level and merge_access_level on CE too; only GitLab.com refuses level 60.
    const gitlabCom = ctx?.gitlabCom && [params.push_access_level, params.merge_access_level].includes(60) ? { fixData: { gitlab_com_admin: true } } : {};
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
        ...gitlabCom,
      }));
  },
  fix: (f, params) => f.fixData?.gitlab_com_admin ? adminLevelManual(`protecting ${f.branch}`) : ({
    method: 'POST',
    path: `/projects/${f.target.id}/protected_branches`,
    body: {
      name: f.branch,
      push_access_level: params.push_access_level,
      merge_access_level: params.merge_access_level,
      allow_force_push: false,
    },
    creates: 'protected-branch',
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
  onCreate: { 'protected-branch': (p) => ({ push_access_level: p.push_access_level }) },
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
  onCreate: { 'protected-branch': (p) => ({ merge_access_level: p.merge_access_level }) },
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
  onCreate: { 'protected-branch': (p) => (p.allow_force_push ? null : { allow_force_push: false }) },
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
    if (s.kind !== 'project') return [];
    const findings: FindingDraft[] = [];
    for (const r of requiredBranches(params.branches, s.project.default_branch ?? null)) {
      // Every protection that applies to all of r; an unprotected r is protected-branches.default-protected's finding.
      const covering = s.protectedBranches.filter((p) => patternCovers(p.name, r));
      if (covering.length === 0) continue;
      // Licence-gated key: absent below Premium, which is not false (docs/gitlab-behaviour.md, Protected branches).
      if (covering.some((p) => p.code_owner_approval_required === undefined)) {
        return { skip: 'code_owner_approval_required not returned (needs Premium)' };
      }
      // The most restrictive wins (EE ProtectedBranch.branch_requires_code_owner_approval?): one covering
      // protection that requires code owners is enough, a `*` without them beside it changes nothing.
      if (covering.some((p) => p.code_owner_approval_required)) continue;
      // Turn it on for r alone: on its own protection, or on a new one named r. Never on a wildcard that also
      // matches other branches, which would require code owners on every branch it matches.
      const own = covering.find((p) => p.name === r);
      findings.push({
        setting: 'code_owner_approval_required',
        branch: r,
        expected: true,
        actual: false,
        message: own
          ? `Protected branch ${r} does not require code owner approval`
          : `No protection covering ${r} requires code owner approval (covered by ${covering.map((p) => p.name).join(', ')})`,
        ...(own?.inherited ? { fixData: { inherited: true } } : own ? {} : { fixData: { protect: true } }),
      });
    }
    return findings;
  },
  fix: (f, params) => {
    if (f.fixData?.inherited) return inheritedManual(f.branch);
    if (f.fixData?.protect) {
      // A protection named for the branch: push, merge and force push still follow the most permissive match, so
      // the wildcard's rights are unchanged; code owners are required for this branch only. Level 60 becomes 40
      // (GitLab.com refuses 60, and the wildcard decides who pushes anyway).
      return {
        method: 'POST',
        path: `/projects/${f.target.id}/protected_branches`,
        body: {
          name: f.branch,
          push_access_level: params.push_access_level === 60 ? 40 : params.push_access_level,
          merge_access_level: params.merge_access_level === 60 ? 40 : params.merge_access_level,
          allow_force_push: false,
          code_owner_approval_required: true,
        },
        creates: 'protected-branch',
      };
    }
    return { method: 'PATCH', path: pathOf(f), body: { code_owner_approval_required: true } };
  },
  // A protection revert creates for a required branch is judged by this rule on the next check: require code
  // owners in the POST (API::ProtectedBranches declares code_owner_approval_required on create, EE). Only added
  // where this rule was judged, i.e. Premium and up.
  onCreate: { 'protected-branch': () => ({ code_owner_approval_required: true }) },
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
  evaluate: (s, params, ctx) =>
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
              fixData: { changes: [{ id: e.id, _destroy: true }], ...inheritedData(p), ...instanceData(ctx, []) },
            })),
        ),
  fix: (f) => accessFix(f, 'allowed_to_push'),
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [defaultProtected, push, merge, forcePush, codeOwnerApproval, deployKeyPush] as const;

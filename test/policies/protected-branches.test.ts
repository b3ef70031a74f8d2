import { describe, expect, it } from 'vitest';
import type { GlProtectedBranch } from '../../gitlab/types';
import type { AreaParams } from '../../policies/params';
import type { FindingDraft, RuleOutcome } from '../../policies/rule';
import {
  codeOwnerApproval,
  defaultProtected,
  deployKeyPush,
  forcePush,
  merge,
  push,
} from '../../policies/protected-branches';
import { isGitlabCom } from '../../gitlab/tier';
import { PROJECT_TARGET, branch, complete, ctx, deployKeyEntry, drafts, glProject, groupEntry, params, project, role, userEntry } from './helpers';

type P = AreaParams<'protected-branches'>;
const defaults = params('protected-branches');
const hardened = params('protected-branches', { merge_access_level: 40 });

function run(rule: { evaluate: (s: never, p: never, c: never) => RuleOutcome }, ps: GlProtectedBranch[], p: P = defaults, defaultBranch: string | null = 'main') {
  return rule.evaluate(project({ protectedBranches: ps, project: glProject({ default_branch: defaultBranch }) }) as never, p as never, ctx as never);
}

describe('protected-branches.default-protected', () => {
  const missing = (b: string, message: string): FindingDraft => ({ setting: 'protected', branch: b, expected: true, actual: false, message });
  const mainMissing = missing('main', 'Default branch main of project acme/web is not protected');
  it.each<[string, GlProtectedBranch[], P, string | null, FindingDraft[]]>([
    ['protected by name', [branch('main')], defaults, 'main', []],
    ['not protected at all', [], defaults, 'main', [mainMissing]],
    ['only another branch protected', [branch('develop')], defaults, 'main', [mainMissing]],
    ['covered by the wildcard *', [branch('*')], defaults, 'main', []],
    ['covered by the wildcard ma*', [branch('ma*')], defaults, 'main', []],
    ['a wildcard that does not match it', [branch('release/*')], defaults, 'main', [mainMissing]],
    ['covered by an inherited group-level protection', [branch('main', { inherited: true })], defaults, 'main', []],
    ['other default branch name', [branch('main')], defaults, 'trunk', [missing('trunk', 'Default branch trunk of project acme/web is not protected')]],
    ['empty repository: no default branch', [], defaults, null, []],
    ['required pattern covered by the same pattern', [branch('main'), branch('release/*')], params('protected-branches', { branches: ['default', 'release/*'] }), 'main', []],
    ['required pattern covered by a broader wildcard', [branch('*')], params('protected-branches', { branches: ['default', 'release/*'] }), 'main', []],
    [
      'required pattern only partly protected',
      [branch('main'), branch('release/1.0')],
      params('protected-branches', { branches: ['default', 'release/*'] }),
      'main',
      [missing('release/*', 'No protected branch rule of project acme/web covers release/*')],
    ],
  ])('%s', (_name, ps, p, def, want) => {
    expect(run(defaultProtected, ps, p, def)).toEqual(want);
  });

  it('fix POSTs a protection with the baseline levels and no force push', () => {
    const [d] = drafts(run(defaultProtected, [], hardened));
    expect(defaultProtected.fix(complete(defaultProtected, PROJECT_TARGET, d!), hardened)).toEqual({
      method: 'POST',
      path: '/projects/12/protected_branches',
      body: { name: 'main', push_access_level: 40, merge_access_level: 40, allow_force_push: false },
      creates: 'protected-branch',
    });
  });
});

describe('protected-branches.push', () => {
  const weak = (b: string, actual: number, expected: number, changes: unknown[], msg: string, extra: Record<string, unknown> = {}): FindingDraft => ({
    setting: 'push_access_levels',
    branch: b,
    expected,
    actual,
    message: msg,
    fixData: { changes, ...extra },
  });
  const devMain = 'Developers + Maintainers can push to protected branch main; the baseline allows only Maintainers (40) or stricter';
  it.each<[string, GlProtectedBranch[], P, FindingDraft[]]>([
    ['Maintainers only', [branch('main', { push_access_levels: [role(11, 40)] })], defaults, []],
    ['No one (0) is the strictest', [branch('main', { push_access_levels: [role(11, 0)] })], defaults, []],
    ['Instance admins (60) is stricter', [branch('main', { push_access_levels: [role(11, 60)] })], defaults, []],
    ['no push entry at all: nobody can push', [branch('main', { push_access_levels: [] })], defaults, []],
    ['Developers: raised to the floor in place', [branch('main', { push_access_levels: [role(11, 30)] })], defaults, [weak('main', 30, 40, [{ id: 11, access_level: 40 }], devMain)]],
    [
      'weakest entry decides: Developers beside Maintainers is removed',
      [branch('main', { push_access_levels: [role(12, 40), role(11, 30)] })],
      defaults,
      [weak('main', 30, 40, [{ id: 11, _destroy: true }], devMain)],
    ],
    [
      'floor Instance admins: first weak raised, the other removed',
      [branch('main', { push_access_levels: [role(11, 40), role(12, 30)] })],
      params('protected-branches', { push_access_level: 60 }),
      [
        weak('main', 30, 60, [{ id: 11, access_level: 60 }, { id: 12, _destroy: true }], 'Developers + Maintainers can push to protected branch main; the baseline allows only Instance admins (60) or stricter'),
      ],
    ],
    [
      'user entry is weaker than the Maintainer floor',
      [branch('main', { push_access_levels: [role(11, 40), userEntry(13, 7)] })],
      defaults,
      [
        {
          setting: 'push_access_levels',
          branch: 'main',
          object: 'user 7',
          expected: 40,
          actual: { user_id: 7 },
          message: 'User 7 (Jane Doe) can push to protected branch main through a user entry; the baseline allows only Maintainers (40) or stricter roles',
          fixData: { changes: [{ id: 13, _destroy: true }] },
        },
      ],
    ],
    [
      'group entry is weaker than the Maintainer floor',
      [branch('main', { push_access_levels: [role(11, 40), groupEntry(14, 9)] })],
      defaults,
      [
        {
          setting: 'push_access_levels',
          branch: 'main',
          object: 'group 9',
          expected: 40,
          actual: { group_id: 9 },
          message: 'Group 9 (acme/ops) can push to protected branch main through a group entry; the baseline allows only Maintainers (40) or stricter roles',
          fixData: { changes: [{ id: 14, _destroy: true }] },
        },
      ],
    ],
    ['user entry is not below a Developer floor', [branch('main', { push_access_levels: [role(11, 40), userEntry(13, 7)] })], params('protected-branches', { push_access_level: 30 }), []],
    ['deploy key entries are their own rule', [branch('main', { push_access_levels: [role(11, 40), deployKeyEntry(15, 5)] })], defaults, []],
    [
      'a weak wildcard that matches main is judged (most permissive wins)',
      [branch('main'), branch('*', { id: 2, push_access_levels: [role(41, 30)] })],
      defaults,
      [weak('*', 30, 40, [{ id: 41, access_level: 40 }], 'Developers + Maintainers can push to protected branch *; the baseline allows only Maintainers (40) or stricter')],
    ],
    ['a weak unrelated branch is not judged', [branch('main'), branch('feature/x', { push_access_levels: [role(41, 30)] })], defaults, []],
    [
      'inherited protection is judged too',
      [branch('main', { inherited: true, push_access_levels: [role(11, 30)] })],
      defaults,
      [weak('main', 30, 40, [{ id: 11, access_level: 40 }], devMain, { inherited: true })],
    ],
  ])('%s', (_name, ps, p, want) => {
    expect(run(push, ps, p)).toEqual(want);
  });

  it.each([
    ['role entry: PATCH in place', [role(11, 30)], { method: 'PATCH', path: '/projects/12/protected_branches/main', body: { allowed_to_push: [{ id: 11, access_level: 40 }] } }],
    [
      'user entry: removal is destructive',
      [role(11, 40), userEntry(13, 7)],
      { method: 'PATCH', path: '/projects/12/protected_branches/main', body: { allowed_to_push: [{ id: 13, _destroy: true }] }, destructive: true },
    ],
  ])('fix, %s', (_name, entries, want) => {
    const [d] = drafts(run(push, [branch('main', { push_access_levels: entries })]));
    expect(push.fix(complete(push, PROJECT_TARGET, d!), defaults)).toEqual(want);
  });

  it('fix of a wildcard protection encodes the name', () => {
    const [d] = drafts(run(push, [branch('release/*', { push_access_levels: [role(11, 30)] })], params('protected-branches', { branches: ['release/*'] })));
    expect(push.fix(complete(push, PROJECT_TARGET, d!), defaults)).toEqual({
      method: 'PATCH',
      path: '/projects/12/protected_branches/release%2F*',
      body: { allowed_to_push: [{ id: 11, access_level: 40 }] },
    });
  });

  it('fix of an inherited protection is manual', () => {
    const [d] = drafts(run(push, [branch('main', { inherited: true, push_access_levels: [role(11, 30)] })]));
    expect(push.fix(complete(push, PROJECT_TARGET, d!), defaults)).toEqual({
      manual:
        'Protected branch main is inherited from a group-level protection (docs/gitlab-behaviour.md, Protected branches); change it on the top-level group with PATCH /groups/:id/protected_branches/main.',
    });
  });
});

describe('protected-branches.merge', () => {
  const devMerge: FindingDraft = {
    setting: 'merge_access_levels',
    branch: 'main',
    expected: 40,
    actual: 30,
    message: 'Developers + Maintainers can merge into protected branch main; the baseline allows only Maintainers (40) or stricter',
    fixData: { changes: [{ id: 21, access_level: 40 }] },
  };
  it.each<[string, GlProtectedBranch[], P, FindingDraft[]]>([
    ['Developers merge at the default floor 30', [branch('main')], defaults, []],
    ['Maintainers merge at floor 40', [branch('main', { merge_access_levels: [role(21, 40)] })], hardened, []],
    ['No one merges: strictest', [branch('main', { merge_access_levels: [role(21, 0)] })], hardened, []],
    ['Developers merge at floor 40', [branch('main')], hardened, [devMerge]],
    ['user entry at floor 30 is not weaker', [branch('main', { merge_access_levels: [role(21, 30), userEntry(22, 7)] })], defaults, []],
  ])('%s', (_name, ps, p, want) => {
    expect(run(merge, ps, p)).toEqual(want);
  });

  it('fix PATCHes allowed_to_merge', () => {
    expect(merge.fix(complete(merge, PROJECT_TARGET, devMerge), hardened)).toEqual({
      method: 'PATCH',
      path: '/projects/12/protected_branches/main',
      body: { allowed_to_merge: [{ id: 21, access_level: 40 }] },
    });
  });
});

describe('protected-branches.force-push', () => {
  const forced = (b: string, extra: Partial<FindingDraft> = {}): FindingDraft => ({
    setting: 'allow_force_push',
    branch: b,
    expected: false,
    actual: true,
    message: `Force push is allowed on protected branch ${b}`,
    ...extra,
  });
  it.each<[string, GlProtectedBranch[], P, FindingDraft[]]>([
    ['refused', [branch('main')], defaults, []],
    ['allowed on main', [branch('main', { allow_force_push: true })], defaults, [forced('main')]],
    ['allowed on a wildcard matching main', [branch('main'), branch('*', { allow_force_push: true })], defaults, [forced('*')]],
    ['allowed on an unrelated branch', [branch('main'), branch('feature/*', { allow_force_push: true })], defaults, []],
    ['allowed, and the baseline allows it', [branch('main', { allow_force_push: true })], params('protected-branches', { allow_force_push: true }), []],
    ['inherited', [branch('main', { allow_force_push: true, inherited: true })], defaults, [forced('main', { fixData: { inherited: true } })]],
  ])('%s', (_name, ps, p, want) => {
    expect(run(forcePush, ps, p)).toEqual(want);
  });

  it.each([
    ['project protection', forced('main'), { method: 'PATCH', path: '/projects/12/protected_branches/main', body: { allow_force_push: false } }],
    ['inherited protection', forced('main', { fixData: { inherited: true } }), expect.objectContaining({ manual: expect.stringContaining('inherited from a group-level protection') })],
  ])('fix, %s', (_name, d, want) => {
    expect(forcePush.fix(complete(forcePush, PROJECT_TARGET, d), defaults)).toEqual(want);
  });
});

// Code owner approval follows the most restrictive matching protection: EE ProtectedBranch.branch_requires_code_owner_approval?
// is `all_protected_branches.requiring_code_owner_approval.matching(branch_name).any?` (ee/app/models/ee/protected_branch.rb).
describe('protected-branches.code-owner-approval', () => {
  const noOwners: FindingDraft = {
    setting: 'code_owner_approval_required',
    branch: 'main',
    expected: true,
    actual: false,
    message: 'Protected branch main does not require code owner approval',
  };
  const onlyWildcard: FindingDraft = {
    setting: 'code_owner_approval_required',
    branch: 'main',
    expected: true,
    actual: false,
    message: 'No protection covering main requires code owner approval (covered by *)',
    fixData: { protect: true },
  };
  const withoutKey = branch('main');
  delete withoutKey.code_owner_approval_required;
  it.each<[string, GlProtectedBranch[], RuleOutcome]>([
    ['required', [branch('main')], []],
    ['not required', [branch('main', { code_owner_approval_required: false })], [noOwners]],
    ['key absent below Premium', [withoutKey], { skip: 'code_owner_approval_required not returned (needs Premium)' }],
    ['no relevant protection', [branch('feature/x', { code_owner_approval_required: false })], []],
    ['a * without code owners beside main with them: main requires them, nothing to report', [branch('main'), branch('*', { id: 2, code_owner_approval_required: false })], []],
    ['a * with code owners covers main without them', [branch('main', { code_owner_approval_required: false }), branch('*', { id: 2 })], []],
    ['only a * without code owners covers main', [branch('*', { code_owner_approval_required: false })], [onlyWildcard]],
    ['inherited protection', [branch('main', { code_owner_approval_required: false, inherited: true })], [{ ...noOwners, fixData: { inherited: true } }]],
  ])('%s', (_name, ps, want) => {
    expect(run(codeOwnerApproval, ps)).toEqual(want);
  });

  it('fix PATCHes the flag on the branch\'s own protection', () => {
    expect(codeOwnerApproval.fix(complete(codeOwnerApproval, PROJECT_TARGET, noOwners), defaults)).toEqual({
      method: 'PATCH',
      path: '/projects/12/protected_branches/main',
      body: { code_owner_approval_required: true },
    });
  });

  it('fix never turns code owners on for a wildcard (every branch it matches): it protects main by name', () => {
    expect(codeOwnerApproval.fix(complete(codeOwnerApproval, PROJECT_TARGET, onlyWildcard), defaults)).toEqual({
      method: 'POST',
      path: '/projects/12/protected_branches',
      body: { name: 'main', push_access_level: 40, merge_access_level: 30, allow_force_push: false, code_owner_approval_required: true },
      creates: 'protected-branch',
    });
  });
});

// Push/merge follow the most permissive matching protection: ProtectedRef.protected_ref_accessible_to? grants access
// when any matching protection's access levels do (app/models/concerns/protected_ref.rb); force push likewise
// (ProtectedBranch.allow_force_push?: `all_protected_branches.allowing_force_push.matching(ref_name).any?`).
describe('protected branches: the most permissive matching protection decides push, merge and force push', () => {
  it('a strict main does not hide a weak * that also matches main', () => {
    const ps = [branch('main'), branch('*', { id: 2, allow_force_push: true, push_access_levels: [role(41, 30)] })];
    expect(drafts(run(push, ps)).map((d) => d.branch)).toEqual(['*']);
    expect(drafts(run(forcePush, ps)).map((d) => d.branch)).toEqual(['*']);
  });
});

// GitLab CE: PATCH /projects/:id/protected_branches/:name declares allow_force_push and allowed_to_push[deploy_key_id]
// only (lib/api/helpers/protected_branches_helpers.rb, empty optional_params_ee): access-level entries are dropped
// with 200. The fix is manual there, never "applied" then not verified.
describe('protected branches on GitLab CE', () => {
  const ce = { ...ctx, tier: 'free' as const, edition: 'ce' as const };
  const onCe = (rule: { evaluate: (s: never, p: never, c: never) => RuleOutcome }, ps: GlProtectedBranch[]) =>
    rule.evaluate(project({ protectedBranches: ps }) as never, defaults as never, ce as never);
  it.each([
    ['push', push, [branch('main', { push_access_levels: [role(11, 30)] })]],
    ['merge', merge, [branch('main', { merge_access_levels: [role(21, 0), role(22, 30)] })]],
    ['deploy-key-push', deployKeyPush, [branch('main', { push_access_levels: [role(11, 40), deployKeyEntry(15, 5)] })]],
  ] as const)('%s: the fix is manual and says why', (_n, rule, ps) => {
    const p = rule === merge ? hardened : defaults;
    const [d] = drafts(rule.evaluate(project({ protectedBranches: [...ps] }) as never, p as never, ce as never));
    const fix = rule.fix(complete(rule, PROJECT_TARGET, d!), p);
    expect(fix).toEqual({ manual: expect.stringContaining('GitLab CE ignores access-level changes in PATCH /projects/:id/protected_branches/main') });
    expect((fix as { manual: string }).manual).toContain('docs/gitlab-behaviour.md, Protected branches');
  });

  it('force push is declared on CE: PATCHed as on EE', () => {
    const [d] = drafts(onCe(forcePush, [branch('main', { allow_force_push: true })]));
    expect(forcePush.fix(complete(forcePush, PROJECT_TARGET, d!), defaults)).toEqual({ method: 'PATCH', path: '/projects/12/protected_branches/main', body: { allow_force_push: false } });
  });

  it('on EE (or an older snapshot without the edition) the access-level PATCH stays', () => {
    const [d] = drafts(run(push, [branch('main', { push_access_levels: [role(11, 30)] })]));
    expect(push.fix(complete(push, PROJECT_TARGET, d!), defaults)).toMatchObject({ method: 'PATCH' });
  });
});

// ProtectedRefAccess.allowed_access_levels (app/models/concerns/protected_ref_access.rb) drops ADMIN (60) when
// Gitlab.com?: a write of 60 is refused there.
describe('access level 60 on GitLab.com', () => {
  const com = { ...ctx, gitlabCom: true };
  const admins = params('protected-branches', { push_access_level: 60 });
  it('push floor 60: the finding stands, the fix is manual on GitLab.com', () => {
    const [d] = drafts(push.evaluate(project({ protectedBranches: [branch('main')] }) as never, admins as never, com as never));
    expect(push.fix(complete(push, PROJECT_TARGET, d!), admins)).toEqual({ manual: expect.stringContaining('GitLab.com refuses access level 60 (instance admins)') });
  });

  it('protecting the default branch with level 60 is manual on GitLab.com, a POST elsewhere', () => {
    const [onCom] = drafts(defaultProtected.evaluate(project({ protectedBranches: [] }) as never, admins as never, com as never));
    expect(defaultProtected.fix(complete(defaultProtected, PROJECT_TARGET, onCom!), admins)).toEqual({ manual: expect.stringContaining('ProtectedRefAccess.allowed_access_levels') });
    const [selfManaged] = drafts(defaultProtected.evaluate(project({ protectedBranches: [] }) as never, admins as never, ctx as never));
    expect(defaultProtected.fix(complete(defaultProtected, PROJECT_TARGET, selfManaged!), admins)).toMatchObject({ method: 'POST', body: { push_access_level: 60 } });
  });

  it('isGitlabCom follows Gitlab.com?: https://gitlab.com and its subdomains only', () => {
    expect(['https://gitlab.com', 'https://staging.gitlab.com/', 'https://gitlab.example.com', 'http://gitlab.com', 'https://gitlab.com.evil.example'].map(isGitlabCom)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe('protected-branches.deploy-key-push', () => {
  const keyPush: FindingDraft = {
    setting: 'push_access_levels',
    branch: 'main',
    object: 'deploy key 5',
    expected: null,
    actual: { deploy_key_id: 5 },
    message: 'Deploy key 5 (CI deploy) can push to protected branch main',
    fixData: { changes: [{ id: 15, _destroy: true }] },
  };
  it.each<[string, GlProtectedBranch[], P, FindingDraft[]]>([
    ['no deploy key', [branch('main')], defaults, []],
    ['deploy key can push', [branch('main', { push_access_levels: [role(11, 40), deployKeyEntry(15, 5)] })], defaults, [keyPush]],
    ['deploy key push allowed by the baseline', [branch('main', { push_access_levels: [role(11, 40), deployKeyEntry(15, 5)] })], params('protected-branches', { allow_deploy_key_push: true }), []],
    ['deploy key on an unrelated branch', [branch('main'), branch('deploy/*', { push_access_levels: [deployKeyEntry(15, 5)] })], defaults, []],
  ])('%s', (_name, ps, p, want) => {
    expect(run(deployKeyPush, ps, p)).toEqual(want);
  });

  it('fix removes the entry, destructively', () => {
    expect(deployKeyPush.fix(complete(deployKeyPush, PROJECT_TARGET, keyPush), defaults)).toEqual({
      method: 'PATCH',
      path: '/projects/12/protected_branches/main',
      body: { allowed_to_push: [{ id: 15, _destroy: true }] },
      destructive: true,
    });
  });
});

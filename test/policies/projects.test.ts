// projects.*: settings read from the group project listing (lib/api/entities/project.rb exposes
// forking_access_level, only_allow_merge_if_pipeline_succeeds, only_allow_merge_if_all_discussions_are_resolved,
// archived; BasicProjectDetails last_activity_at) and deploy keys (DeployKeysProject `can_push`).
import { describe, expect, it } from 'vitest';
import type { GlDeployKey, GlProject } from '../../gitlab/types';
import type { FindingDraft, RuleOutcome } from '../../policies/rule';
import { projectsDeployKeyWrite, projectsDiscussionsResolved, projectsForking, projectsInactive, projectsPipelineMustSucceed } from '../../policies/projects';
import { monthsBefore } from '../../policies/time';
import { PROJECT_TARGET, complete, ctx, glProject, group, params, project } from './helpers';

const p = params('projects');

describe('projects.forking (forking_access_level)', () => {
  const open: FindingDraft = {
    setting: 'forking_access_level',
    expected: 'private',
    actual: 'enabled',
    message: 'Project acme/web lets anyone who can see it fork it (forking_access_level enabled); the baseline allows at most private',
  };
  it.each<[string, Partial<GlProject>, RuleOutcome]>([
    ['members only', { forking_access_level: 'private' }, []],
    ['stricter: disabled', { forking_access_level: 'disabled' }, []],
    ['enabled for everyone who sees the project', { forking_access_level: 'enabled' }, [open]],
    ['absent: cannot judge', {}, { skip: 'forking_access_level not returned for this project' }],
  ])('%s', (_n, over, want) => {
    expect(projectsForking.evaluate(project({ project: glProject(over) }), p, ctx)).toEqual(want);
  });
  it('disabled required: private is a finding', () => {
    const out = projectsForking.evaluate(project({ project: glProject({ forking_access_level: 'private' }) }), params('projects', { max_forking_access_level: 'disabled' }), ctx);
    expect(out).toMatchObject([{ expected: 'disabled', actual: 'private' }]);
  });
  it('fix PUTs the project with the baseline level', () => {
    expect(projectsForking.fix(complete(projectsForking, PROJECT_TARGET, open), p)).toEqual({ method: 'PUT', path: '/projects/12', body: { forking_access_level: 'private' } });
  });
});

describe('projects.pipeline-must-succeed / projects.discussions-resolved', () => {
  it.each([
    [projectsPipelineMustSucceed, 'only_allow_merge_if_pipeline_succeeds', 'Project acme/web lets merge requests merge without a successful pipeline'],
    [projectsDiscussionsResolved, 'only_allow_merge_if_all_discussions_are_resolved', 'Project acme/web lets merge requests merge with unresolved threads'],
  ] as const)('%#: on passes, off is a finding, absent is not judged as off', (rule, key, message) => {
    expect(rule.evaluate(project({ project: glProject({ [key]: true }) }), p, ctx)).toEqual([]);
    const off = rule.evaluate(project({ project: glProject({ [key]: false }) }), p, ctx);
    expect(off).toEqual([{ setting: key, expected: true, actual: false, message }]);
    expect(rule.evaluate(project({ project: glProject() }), p, ctx)).toEqual([]);
    expect(rule.fix(complete(rule, PROJECT_TARGET, (off as FindingDraft[])[0]!), p)).toEqual({ method: 'PUT', path: '/projects/12', body: { [key]: true } });
  });
  it('ignore groups', () => {
    expect(projectsPipelineMustSucceed.evaluate(group(), p, ctx)).toEqual([]);
  });
});

describe('projects.inactive (archived, last_activity_at)', () => {
  // ctx.now is 2026-11-20T12:00:00Z; 6 months before is 2026-05-20T12:00:00Z.
  it.each<[string, Partial<GlProject>, number]>([
    ['active last week', { last_activity_at: '2026-11-13T00:00:00Z' }, 0],
    ['just inside the window', { last_activity_at: '2026-05-20T12:00:00Z' }, 0],
    ['inactive for 7 months', { last_activity_at: '2026-04-19T08:00:00Z' }, 1],
    ['inactive but archived', { last_activity_at: '2024-01-01T00:00:00Z', archived: true }, 0],
  ])('%s', (_n, over, count) => {
    expect(projectsInactive.evaluate(project({ project: glProject(over) }), p, ctx)).toHaveLength(count);
  });
  it('says since when, and its fix is manual (archiving is a decision)', () => {
    const [f] = projectsInactive.evaluate(project({ project: glProject({ last_activity_at: '2026-04-19T08:00:00Z' }) }), p, ctx) as FindingDraft[];
    expect(f).toEqual({
      setting: 'last_activity_at',
      expected: 'after 2026-05-20',
      actual: '2026-04-19T08:00:00Z',
      message: 'Project acme/web has had no activity since 2026-04-19 (more than 6 months) and is not archived',
    });
    expect(projectsInactive.fix(complete(projectsInactive, PROJECT_TARGET, f!), p)).toEqual({ manual: 'Archive (POST /projects/12/archive) or delete acme/web once its owners agree.' });
  });
  it('no last_activity_at: skipped, not clean', () => {
    expect(projectsInactive.evaluate(project({ project: glProject() }), p, ctx)).toEqual({ skip: 'last_activity_at not returned for this project' });
  });
  it('monthsBefore keeps the day or falls back to the month end', () => {
    expect(monthsBefore('2026-11-20T12:00:00Z', 6).toISOString()).toBe('2026-05-20T12:00:00.000Z');
    expect(monthsBefore('2026-03-31T00:00:00Z', 1).toISOString()).toBe('2026-02-28T00:00:00.000Z');
  });
});

describe('projects.deploy-key-write (DeployKeysProject can_push)', () => {
  const key = (id: number, can_push: boolean): GlDeployKey => ({ id, title: `key ${id}`, can_push });
  it('read-only keys pass; each writing key is a finding naming it', () => {
    const out = projectsDeployKeyWrite.evaluate(project({ deployKeys: [key(5, false), key(6, true)] }), p, ctx);
    expect(out).toEqual([{ setting: 'can_push', object: '6', expected: false, actual: true, message: 'Deploy key key 6 (id 6) can push to project acme/web' }]);
  });
  it('fix PUTs can_push false on the key (lib/api/deploy_keys.rb PUT :id/deploy_keys/:key_id)', () => {
    const [f] = projectsDeployKeyWrite.evaluate(project({ deployKeys: [key(6, true)] }), p, ctx) as FindingDraft[];
    expect(projectsDeployKeyWrite.fix(complete(projectsDeployKeyWrite, PROJECT_TARGET, f!), p)).toEqual({ method: 'PUT', path: '/projects/12/deploy_keys/6', body: { can_push: false } });
  });
});

import { describe, expect, it } from 'vitest';
import { selectTargets } from '../../gitlab/targets';

const group = (id: number, full_path: string, parent_id: number | null = null) => ({ id, full_path, parent_id });
const project = (id: number, path: string) => {
  const ns = path.split('/').slice(0, -1).join('/');
  return { id, path_with_namespace: path, namespace: { id: id * 100, full_path: ns } };
};
const targets = (t: { groups?: string[]; projects?: string[]; exclude?: string[] }) => ({
  targets: { groups: t.groups ?? [], projects: t.projects ?? [], exclude: t.exclude ?? [] },
});

const GROUPS = [group(3, 'acme/sandbox', 1), group(1, 'acme'), group(2, 'acme/platform', 1), group(4, 'acme/sandbox/deep', 3), group(9, 'other')];
const PROJECTS = [
  project(20, 'acme/web'),
  project(21, 'acme/platform/api'),
  project(22, 'acme/sandbox/toy'),
  project(23, 'acme/sandbox/deep/toy2'),
  project(24, 'other/app'),
  project(25, 'solo/tool'),
];

const paths = (r: { groups: { full_path: string }[]; projects: { path_with_namespace: string }[] }) => ({
  groups: r.groups.map((g) => g.full_path),
  projects: r.projects.map((p) => p.path_with_namespace),
});

describe('selectTargets', () => {
  it('all descendants of a target group, in path order', () => {
    expect(paths(selectTargets(targets({ groups: ['acme'] }), GROUPS, PROJECTS))).toEqual({
      groups: ['acme', 'acme/platform', 'acme/sandbox', 'acme/sandbox/deep'],
      projects: ['acme/platform/api', 'acme/sandbox/deep/toy2', 'acme/sandbox/toy', 'acme/web'],
    });
  });

  it('exclude globs remove groups and everything under them', () => {
    expect(paths(selectTargets(targets({ groups: ['acme'], exclude: ['acme/sandbox/**'] }), GROUPS, PROJECTS))).toEqual({
      groups: ['acme', 'acme/platform'],
      projects: ['acme/platform/api', 'acme/web'],
    });
    expect(paths(selectTargets(targets({ groups: ['acme'], exclude: ['acme/sandbox'] }), GROUPS, PROJECTS)).projects).toEqual([
      'acme/platform/api',
      'acme/web',
    ]);
    expect(paths(selectTargets(targets({ groups: ['acme'], exclude: ['acme/*/toy*'] }), GROUPS, PROJECTS)).projects).toEqual([
      'acme/platform/api',
      'acme/sandbox/deep/toy2',
      'acme/web',
    ]);
  });

  it('single projects outside the groups are added; unlisted ones are not', () => {
    expect(paths(selectTargets(targets({ groups: ['acme/platform'], projects: ['solo/tool'] }), GROUPS, PROJECTS))).toEqual({
      groups: ['acme/platform'],
      projects: ['acme/platform/api', 'solo/tool'],
    });
  });

  it('a group path prefix is not a parent (acme does not cover acme-labs)', () => {
    const r = selectTargets(targets({ groups: ['acme'] }), [group(1, 'acme'), group(5, 'acme-labs')], [project(30, 'acme-labs/x')]);
    expect(paths(r)).toEqual({ groups: ['acme'], projects: [] });
  });

  it('dedupes by id and orders by path then id; case-insensitive paths', () => {
    const r = selectTargets(
      targets({ groups: ['ACME'], projects: ['acme/web'] }),
      [group(1, 'acme'), group(1, 'acme')],
      [project(20, 'acme/web'), project(20, 'acme/web'), project(8, 'acme/b'), project(7, 'acme/b')],
    );
    expect(r.groups.map((g) => g.id)).toEqual([1]);
    expect(r.projects.map((p) => [p.path_with_namespace, p.id])).toEqual([
      ['acme/b', 7],
      ['acme/b', 8],
      ['acme/web', 20],
    ]);
  });

  it('keeps the caller’s objects (the collector passes full GitLab entities)', () => {
    const g = { ...group(1, 'acme'), visibility: 'private' };
    expect(selectTargets(targets({ groups: ['acme'] }), [g], []).groups[0]).toBe(g);
  });
});

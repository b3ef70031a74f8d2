import { describe, expect, it } from 'vitest';
import { branchMatches, hostMatches, patternCovers, relevantProtections, requiredBranches } from '../../policies/match';
import { branch } from './helpers';

describe('branchMatches (GitLab protected-branch wildcards)', () => {
  it.each([
    ['main', 'main', true],
    ['main', 'Main', false],
    ['main', 'main2', false],
    ['release/*', 'release/1.0', true],
    ['release/*', 'release/foo/bar', true], // `*` crosses `/`
    ['release/*', 'release', false],
    ['release/*', 'releases/1', false],
    ['*-stable', '16-0-stable', true],
    ['*', 'anything/at/all', true],
    ['v1.*', 'v1.2', true],
    ['v1.*', 'v1x2', false], // `.` is literal
    ['ma*n', 'main', true],
    ['feat(x)*', 'feat(x)-1', true],
  ])('%s vs %s -> %s', (pattern, name, want) => {
    expect(branchMatches(pattern, name)).toBe(want);
  });
});

describe('patternCovers (protection pattern covers a required pattern)', () => {
  it.each([
    ['release/*', 'release/*', true],
    ['*', 'release/*', true],
    ['rel*', 'release/*', true],
    ['release/*', 'release/1.*', true],
    ['release/1.*', 'release/*', false],
    ['*/1', 'release/*', false],
    ['release/1.0', 'release/*', false],
  ])('%s covers %s -> %s', (pattern, required, want) => {
    expect(patternCovers(pattern, required)).toBe(want);
  });
});

describe('requiredBranches and relevantProtections', () => {
  it('resolves default, drops duplicates and a missing default branch', () => {
    expect(requiredBranches(['default', 'main', 'release/*'], 'main')).toEqual(['main', 'release/*']);
    expect(requiredBranches(['default', 'release/*'], null)).toEqual(['release/*']);
  });
  it('keeps protections overlapping a requirement in either direction', () => {
    const ps = [branch('main'), branch('*'), branch('release/1.0'), branch('feature/x'), branch('rel*')];
    expect(relevantProtections(ps, ['default', 'release/*'], 'main').map((p) => p.name)).toEqual(['main', '*', 'release/1.0', 'rel*']);
  });
});

describe('hostMatches', () => {
  it.each([
    ['hooks.example.com', 'https://hooks.example.com/x', true],
    ['hooks.example.com', 'https://HOOKS.Example.com/x', true],
    ['*.example.com', 'https://a.example.com/x', true],
    ['*.example.com', 'https://a.b.example.com/x', true],
    ['*.example.com', 'https://example.com/x', false],
    ['*.example.com', 'https://example.com.evil.net/x', false],
    ['*.example.com', 'https://evilexample.com/x', false],
    ['hooks.example.com', 'https://hooks.example.com:8443/x', true],
    ['hooks.example.com:8443', 'https://hooks.example.com:8443/x', true],
    ['hooks.example.com:8443', 'https://hooks.example.com/x', false],
    ['hooks.example.com:443', 'https://hooks.example.com/x', true],
  ])('%s vs %s -> %s', (glob, url, want) => {
    expect(hostMatches(glob, new URL(url))).toBe(want);
  });
});

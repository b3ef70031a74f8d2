import { describe, expect, it } from 'vitest';
import { globProblem, isExcluded, isValidGlob, matchesPath, matchesRuleId } from '../../lib/globs';

describe('matchesPath (GitLab full paths)', () => {
  it.each([
    ['acme/sandbox/**', 'acme/sandbox', true],
    ['acme/sandbox/**', 'acme/sandbox/a', true],
    ['acme/sandbox/**', 'acme/sandbox/a/b/c', true],
    ['acme/sandbox/**', 'acme/sandboxed', false],
    ['acme/*', 'acme/web', true],
    ['acme/*', 'acme/sub/web', false],
    ['acme/docs-*', 'acme/docs-site', true],
    ['acme/docs-site', 'Acme/Docs-Site', true],
    ['acme/{web,api}', 'acme/api', true],
    ['acme/{web,api}', 'acme/cli', false],
    ['**/legacy', 'acme/x/legacy', true],
    ['acme/.hidden', 'acme/.hidden', true],
  ])('%s ~ %s -> %s', (glob, path, want) => {
    expect(matchesPath(glob, path)).toBe(want);
  });

  it('exclude removes a whole subtree when it matches an ancestor', () => {
    expect(isExcluded(['acme/sandbox'], 'acme/sandbox/deep/proj')).toBe(true);
    expect(isExcluded(['acme/sandbox'], 'acme/sandbox2/proj')).toBe(false);
    expect(isExcluded(['*/tmp-*'], 'acme/tmp-1/proj')).toBe(true);
    expect(isExcluded([], 'acme')).toBe(false);
  });

  it('rule-id globs', () => {
    expect(matchesRuleId('webhooks.*', 'webhooks.allowed-hosts')).toBe(true);
    expect(matchesRuleId('webhooks.*', 'ci.public-jobs')).toBe(false);
    expect(matchesRuleId('*', 'ci.public-jobs')).toBe(true);
  });
});

describe('globProblem', () => {
  it.each([
    ['acme/**', undefined],
    ['acme/[ab]*', undefined],
    ['acme/\\[literal', undefined],
    ['', 'an empty glob matches nothing'],
    ['  ', 'an empty glob matches nothing'],
    [' acme', 'leading or trailing spaces are never part of a GitLab path'],
    ['/acme', 'a full path has no leading or trailing "/" (write acme/web)'],
    ['acme//web', 'empty path segment ("//")'],
    ['acme/[ab', 'unbalanced "["'],
    ['acme/ab]', 'unbalanced "]"'],
    ['acme/{a,b', 'unbalanced "{"'],
    ['acme/a,b}', 'unbalanced "}"'],
  ])('%j -> %s', (glob, want) => {
    expect(globProblem(glob)).toBe(want);
    expect(isValidGlob(glob)).toBe(want === undefined);
  });
});

// lib/path-glob.ts gives globs picomatch's meaning ({ nocase: true, dot: true }) without its backtracking
// regular expressions: the table is checked against picomatch itself, and the attack (a glob with many stars
// against a long name that almost matches) is counted in steps.
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { expandBraces, PathGlob } from '../../lib/path-glob';
import { branchMatches, hostMatches } from '../../policies/match';

const GLOBS = ['acme/sandbox/**', 'acme/*', 'acme/docs-*', 'acme/{web,api}', '**/legacy', 'acme/.hidden', '*/tmp-*', 'acme/[ab]*', 'acme/?eb', 'Acme/WEB', 'acme/{a,b{c,d}}', 'acme/\\*', '**', '*', 'a*b*c', 'acme/**/x', '!acme/*'];
const PATHS = ['acme', 'acme/sandbox', 'acme/sandbox/a/b', 'acme/sandboxed', 'acme/web', 'acme/api', 'acme/cli', 'acme/sub/web', 'acme/docs-site', 'acme/x/legacy', 'acme/.hidden', 'acme/tmp-1', 'acme/bd', 'acme/a', 'acme/*', 'acme/Web', 'abc', 'axxbyyc', 'acme/x', 'acme/q/r/x', 'acme/c'];

describe('same answers as picomatch', () => {
  for (const glob of GLOBS) {
    const reference = picomatch(glob, { nocase: true, dot: true });
    it.each(PATHS.map((p) => [p, reference(p)] as const))(`${glob} ~ %s -> %s`, (path, want) => {
      expect(new PathGlob(glob).test(path)).toBe(want);
    });
  }
});

describe('differences from picomatch', () => {
  // picomatch compiles `[!ab]` to "one of !, a, b" (or the literal text); a glob's `[!ab]` is a negated set.
  it('[!ab] is a negated set', () => {
    expect(new PathGlob('acme/[!ab]*').test('acme/web')).toBe(true);
    expect(new PathGlob('acme/[!ab]*').test('acme/api')).toBe(false);
    expect(new PathGlob('acme/[^ab]*').test('acme/bd')).toBe(false);
  });
});

describe('braces', () => {
  it('expands nested alternatives', () => {
    expect(expandBraces('a/{b,c{d,e}}/f')).toEqual(['a/b/f', 'a/cd/f', 'a/ce/f']);
    expect(expandBraces('a/{b}/c')).toEqual(['a/{b}/c']);
  });
});

class Counter {
  steps = 0;
  spend(n: number) {
    this.steps += n;
  }
}

describe('linear time', () => {
  const n = 100_000;
  it('a many-star path glob against a long segment that almost matches', () => {
    const counter = new Counter();
    expect(new PathGlob('acme/*a*a*a*a*a*a*a*a*b').test(`acme/${'a'.repeat(n)}`, counter)).toBe(false);
    expect(counter.steps).toBeLessThanOrEqual(4 * n);
  });

  it('branch and host wildcards (policies/match.ts) answer on long names', () => {
    const name = `release/${'a'.repeat(n)}`;
    expect(branchMatches('release/*a*a*a*a*a*a*b', name)).toBe(false);
    expect(branchMatches('release/*a*a*a*a*a*a*', name)).toBe(true);
    expect(hostMatches('*a*a*a*a*a*a*b.example.com', new URL(`https://${'a'.repeat(200)}.example.com/x`))).toBe(false);
    expect(hostMatches('*.EXAMPLE.com', new URL('https://hooks.example.com/x'))).toBe(true);
  });
});

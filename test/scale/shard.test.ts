import { describe, expect, it } from 'vitest';
import { fnv1a, inShard, parseShard, shardOfId } from '../../checks/scale/shard';
import { runCli } from '../helpers/cli';

describe('shard', () => {
  it('fnv1a matches the published FNV-1a 32-bit test vectors', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it.each([
    ['1/1', { index: 1, total: 1 }],
    ['2/4', { index: 2, total: 4 }],
    [' 3 / 3 ', { index: 3, total: 3 }],
  ])('parses %j', (text, want) => expect(parseShard(text)).toEqual(want));

  it.each([
    ['0/4', 'INDEX must be between 1 and 4'],
    ['5/4', 'INDEX must be between 1 and 4'],
    ['1/0', 'TOTAL must be >= 1'],
    ['2', 'expected INDEX/TOTAL'],
    ['a/b', 'expected INDEX/TOTAL'],
    ['-1/4', 'expected INDEX/TOTAL'],
  ])('rejects %j', (text, message) => expect(() => parseShard(text)).toThrow(message));

  it('every id lands in exactly one shard, and the split is roughly even', () => {
    const total = 4;
    const counts = [0, 0, 0, 0];
    for (let id = 1; id <= 4000; id += 1) {
      const owners = [1, 2, 3, 4].filter((index) => inShard({ kind: 'project', id }, { index, total }));
      expect(owners).toEqual([shardOfId(id, total)]);
      counts[owners[0]! - 1]! += 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it('instance settings belong to shard 1 only', () => {
    expect([1, 2, 3].map((index) => inShard({ kind: 'instance', id: 0 }, { index, total: 3 }))).toEqual([true, false, false]);
  });

  it('the CLI rejects a bad --shard before contacting anything (exit 2, the flag named)', async () => {
    const run = await runCli(['check', '--shard', '5/4'], { GITLAB_TOKEN: 'x' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('INDEX must be between 1 and 4');
  });

  it('--shard and --since-last together are refused', async () => {
    const run = await runCli(['check', '--shard', '1/2', '--since-last', '--baseline', 'nope.yaml'], { GITLAB_TOKEN: 'x' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--since-last and --shard cannot be combined');
  });
});

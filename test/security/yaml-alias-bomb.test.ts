// Issue 14, item 10: a YAML alias bomb ("billion laughs") in a baseline or a rule file arrives through an MR. It
// must be a located user error ("file:line: too many aliases", exit 2), not an internal error or a hung process.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBaseline } from '../../checks/baseline/load';
import { BaselineError } from '../../checks/baseline/errors';
import { parseRule } from '../../detections/engine/load';
import { RuleLoadError } from '../../detections/engine/errors';
import { runCli, tempDir } from '../helpers/cli';

// Nine to the seventh power (4.8 million) scalars from eight short lines.
const BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
].join('\n');

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('YAML alias bomb', () => {
  it('in a baseline: BaselineError "file:line: too many aliases"', () => {
    dir = tempDir();
    const file = join(dir, 'baseline.yaml');
    writeFileSync(file, `targets: { groups: [acme] }\nx-bomb:\n${BOMB.replace(/^/gm, '  ')}\n`);
    let err: unknown;
    try {
      loadBaseline(file, { now: new Date('2026-12-01T00:00:00Z') });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BaselineError);
    expect((err as Error).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:[3-9]: too many aliases`));
  });

  it('in a baseline, through the CLI: one line on stderr, exit 2, no stack trace', async () => {
    dir = tempDir();
    const file = join(dir, 'baseline.yaml');
    writeFileSync(file, `gitlab: { url: "http://127.0.0.1:9" }\ntargets: { groups: [acme] }\nbomb:\n${BOMB.replace(/^/gm, '  ')}\n`);
    const r = await runCli(['check', '--baseline', file, '--format', 'json'], { GITLAB_TOKEN: 'x' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:`);
    expect(r.stderr).toContain('too many aliases');
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('in a Sigma rule file: RuleLoadError "file:line: too many aliases"', () => {
    const text = `title: bomb\nlogsource: { product: gitlab }\ndetection:\n  selection: { event_name: x }\n  condition: selection\nx:\n${BOMB.replace(/^/gm, '  ')}\n`;
    let err: unknown;
    try {
      parseRule(text, 'rules/bomb.yml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RuleLoadError);
    expect((err as Error).message).toMatch(/^rules\/bomb\.yml:(9|1\d): too many aliases/);
  });
});

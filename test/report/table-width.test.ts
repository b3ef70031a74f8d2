// The table fits the terminal (issue 15): every column wraps, no line is wider than COLUMNS / the TTY width, and
// nothing is cut off: each finding's message is still all there once the wrapping is undone.
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../model/result';
import { runCli, tempDir, writeBaseline } from '../helpers/cli';
import { simPerTest } from '../helpers/sim';

const freshSim = simPerTest();

describe('--format table width', () => {
  it.each([60, 80, 120])('COLUMNS=%i: no line is wider, every message survives the wrapping', async (columns) => {
    const sim = await freshSim({ scenario: 'incident' });
    const dir = tempDir('posture-table-');
    const file = writeBaseline(dir, sim.url, 'targets: { groups: [acme] }\nprofile: hardened\n');
    const env = { GITLAB_TOKEN: sim.tokens.owner, COLUMNS: String(columns) };
    const table = await runCli(['check', '--baseline', file, '--format', 'table'], env);
    expect(table.code).toBe(1);
    const widest = Math.max(...table.stdout.split('\n').map((l) => l.length));
    expect(widest).toBeLessThanOrEqual(columns);
    // No ANSI when stdout is not a terminal.
    expect(table.stdout).not.toContain('\u001b[');
    const json = JSON.parse((await runCli(['check', '--baseline', file, '--format', 'json'], env)).stdout) as CheckResult;
    // The Message column, read down the table: its wrapped pieces in order, spaces dropped.
    const squeezed = table.stdout
      .split('\n')
      .filter((l) => l.startsWith('│'))
      .map((l) => l.split('│').at(-2)!)
      .join('')
      .replace(/\s/g, '');
    for (const f of json.findings) expect(squeezed, f.message).toContain(f.message.replace(/\s/g, ''));
  });

  it('without a terminal or COLUMNS the lines stay whole (greppable)', async () => {
    const sim = await freshSim({ scenario: 'incident' });
    const dir = tempDir('posture-table-');
    const file = writeBaseline(dir, sim.url, 'targets: { groups: [acme] }\nprofile: hardened\n');
    const table = await runCli(['check', '--baseline', file, '--format', 'table'], { GITLAB_TOKEN: sim.tokens.owner });
    expect(table.stdout).toMatch(/│ Force push is allowed on protected branch main +│/);
  });
});

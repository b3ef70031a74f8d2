// The undo plan shows the values it restores (issue 15, item 10): per step, each touched field as
// `now -> restored`, values from GitLab and the journal sanitized (lib/safe-text.ts) and cut for the terminal.
import { describe, expect, it } from 'vitest';
import { describeRestore } from '../../checks/revert/format';
import type { JournalEntry } from '../../checks/revert/journal';
import { revertWorld, run } from '../helpers/revert-io';

describe('undo plan on the incident scenario', () => {
  const world = revertWorld({ scenario: 'incident', tier: 'ultimate' });

  it('lists each field with its current and restored value before asking', async () => {
    let file = '';
    const r = await run(['revert', '--baseline', world.baseline, '--yes', '--allow-destructive', '--journal', world.dir, '--only', 'visibility.*,protected-branches.*,webhooks.*'], world.env, {
      onJournal: (_id, f) => void (file = f),
    });
    expect(r.code).toBe(0);
    const u = await run(['undo', file, '--baseline', world.baseline], world.env, { confirm: async () => false });
    expect(u.stdout).toContain('Nothing written.');
    const lines = u.stdout.split('\n');
    const after = (head: RegExp) => lines[lines.findIndex((l) => head.test(l)) + 1]!.trim();
    expect(after(/acme\/web\s+visibility: restore PUT/)).toBe('visibility: "private" -> "public"');
    expect(after(/^\s+\d+\. acme\s+visibility: restore PUT/)).toBe('visibility: "private" -> "public"');
    expect(after(/acme\/web \[branch main\]\s+allow_force_push: restore PATCH/)).toBe('allow_force_push: false -> true');
    expect(after(/acme\/web \[branch main\]\s+push_access_levels: restore PATCH/)).toBe(
      // GitLab's names (ProtectedRefAccess.human_access_levels), never "level:40".
      'push_access_levels: ["Maintainers"] -> ["Developers + Maintainers","Maintainers"]',
    );
    expect(after(/acme\/api \[\d+\]\s+url: restore POST \/projects\/\d+\/hooks/)).toBe('recreates it: url "http://exfil.attacker.example/hook"');
    for (const t of Object.values(world.sim.tokens)) expect(u.stdout).not.toContain(t);
  });
});

describe('describeRestore', () => {
  const entry = (before: unknown): JournalEntry => ({ pending: { before } } as unknown as JournalEntry);

  it('sanitizes values: no terminal controls, no line breaks; long values are cut', () => {
    const write = { method: 'PUT' as const, path: '/projects/1', body: { description: 'x' } };
    const text = describeRestore({ entry: entry({ description: `evil\u001b]0;pwned\u0007\nnext ${'z'.repeat(80)}` }), write, change: { method: 'PUT', path: '/projects/1' } }, { description: 'x' });
    expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(text.startsWith('description: "x" -> "evil\\u001b]0;pwned\\u0007\\nnext zzz')).toBe(true);
    expect(text.endsWith('...')).toBe(true);
    expect(text.length).toBeLessThan(90);
  });

  it('a created object is removed; only fields that differ are listed', () => {
    const post = { method: 'POST' as const, path: '/projects/1/protected_branches', body: { name: 'release/*' } };
    expect(describeRestore({ entry: entry(null), write: post, change: { method: 'DELETE', path: '/projects/1/protected_branches/release%2F*' } }, {})).toBe(
      'removes what the revert created',
    );
    const patch = { method: 'PATCH' as const, path: '/projects/1/protected_branches/main', body: { allow_force_push: false, code_owner_approval_required: true } };
    const before = { allow_force_push: true, code_owner_approval_required: true };
    expect(describeRestore({ entry: entry(before), write: patch, change: { method: 'PATCH', path: patch.path } }, { allow_force_push: false, code_owner_approval_required: true })).toBe(
      'allow_force_push: false -> true',
    );
  });
});

// Issue 14, item 5: every request carries GITLAB_TOKEN in a header, so a plain http:// GitLab URL would send it in
// clear. Refused on every command that connects (undo and watch included) unless the host is loopback or
// --allow-http is given. Nothing here contacts a network: the refusal comes before any request.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback } from '../../checks/cli/connect';
import { runCli, tempDir } from '../helpers/cli';

const CLEAR = 'http://gitlab.example.com';
let dir: string;
let baseline: string;
let journal: string;
beforeAll(() => {
  dir = tempDir();
  baseline = join(dir, 'baseline.yaml');
  writeFileSync(baseline, `gitlab: { url: "${CLEAR}" }\ntargets: { groups: [acme] }\n`);
  journal = join(dir, 'run.jsonl');
  writeFileSync(
    journal,
    [
      { record: 'header', format: 'gitlab-posture-journal', version: 1, run: 'r1', time: '2026-12-01T00:00:00Z', url: CLEAR, command: 'revert', planned: 1, params: {} },
      { run: 'r1', seq: 1, time: '2026-12-01T00:00:01Z', url: CLEAR, target: { kind: 'project', path: 'acme/web', id: 12 }, rule: 'ci.public-jobs', setting: 'public_jobs', method: 'PUT', path: '/projects/12', before: { public_jobs: true }, intended: { public_jobs: false }, outcome: 'pending' },
      { record: 'end', run: 'r1', time: '2026-12-01T00:00:02Z', url: CLEAR, steps: 1 },
    ].map((l) => JSON.stringify(l)).join('\n') + '\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COMMANDS: [string, string[]][] = [
  ['check', ['check', '--baseline', '$B', '--format', 'json']],
  ['explain', ['explain', '--baseline', '$B', '--format', 'json']],
  ['revert', ['revert', '--baseline', '$B', '--dry-run']],
  ['detect', ['detect', '--baseline', '$B', '--format', 'json']],
  ['init', ['init', '--group', 'acme', '--url', CLEAR, '--output', '$D/new.yaml']],
  ['watch', ['watch', '--listen', '127.0.0.1:0', '--baseline', '$B']],
  ['undo', ['undo', '$J', '--yes', '--url', CLEAR]],
];
const argv = (a: string[]) => a.map((x) => x.replace('$B', baseline).replace('$J', journal).replace('$D', dir));

describe('plain http:// off loopback', () => {
  it.each(COMMANDS)('%s refuses it before any request', async (_name, args) => {
    const r = await runCli(argv(args), { GITLAB_TOKEN: 'glpat-test-token-0000', GITLAB_STREAMING_TOKEN: 's' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`GitLab URL http://gitlab.example.com`);
    expect(r.stderr).toContain('is plain http: GITLAB_TOKEN would travel in clear. Use https://, or pass --allow-http');
  });

  it.each(COMMANDS)('%s accepts it with --allow-http (stops later, at the missing token)', async (_name, args) => {
    const r = await runCli([...argv(args), '--allow-http'], { GITLAB_STREAMING_TOKEN: 's' });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('is plain http');
    expect(r.stderr).toContain('GITLAB_TOKEN is not set');
  });

  it.each([
    ['127.0.0.1', true], ['127.8.9.10', true], ['localhost', true], ['[::1]', true], ['api.localhost', true],
    ['gitlab.example.com', false], ['10.0.0.1', false], ['127.0.0.1.example.com', false], ['[::2]', false],
  ])('loopback(%s) = %s', (host, want) => {
    expect(isLoopback(new URL(`http://${host}/`).hostname)).toBe(want);
  });
});

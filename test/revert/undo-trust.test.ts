// Issue 14, items 1-3: a journal is untrusted input. Each test replays an attack on a journal a real revert wrote
// against the simulator (tampered the way an attacker with access to CI artifacts would) and asserts that undo
// refuses it before any request, and that nothing was written.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { revertWorld, run } from '../helpers/revert-io';

const world = revertWorld({ scenario: 'incident', tier: 'ultimate' });
const { project, writes } = world;
let decoy: { url: string; requests: { method: string; url: string; token: string | undefined }[]; close: () => Promise<void> };

/** Stands in for the attacker's server: records every request and whatever token it was sent. */
async function startDecoy(): Promise<typeof decoy> {
  const requests: typeof decoy.requests = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', token: (req.headers['private-token'] as string | undefined) ?? req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"scopes":["api"],"id":1}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

beforeEach(async () => {
  decoy = await startDecoy();
});
afterEach(async () => {
  await decoy.close();
});

const requests = () => Object.values(world.sim.counts()).reduce((n, v) => n + v, 0);

/** A genuine journal of `revert --only ONLY`, as lines of JSON. */
async function journalOf(only: string, extra: string[] = []): Promise<{ file: string; lines: Record<string, unknown>[] }> {
  let file = '';
  const r = await run(['revert', '--baseline', world.baseline, '--yes', '--journal', world.dir, '--only', only, ...extra], world.env, { onJournal: (_id, f) => void (file = f) });
  expect(r.code).not.toBe(2);
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { file, lines };
}

function save(file: string, lines: Record<string, unknown>[]): void {
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

/** The pending record of the journal's only step (line number is its index + 1). */
function pendingIndex(lines: Record<string, unknown>[]): number {
  return lines.findIndex((l) => l.outcome === 'pending');
}

describe('item 1: undo contacts only the GitLab the user configured', () => {
  it('a journal naming another server: without a configured URL nothing is sent anywhere, the token never leaves', async () => {
    const { file, lines } = await journalOf('ci.public-jobs');
    save(file, lines.map((l) => ({ ...l, url: decoy.url })));
    const before = requests();
    const u = await run(['undo', file, '--yes'], world.env);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain(`undo: no GitLab URL configured. ${file} names ${decoy.url}`);
    expect(decoy.requests).toEqual([]);
    expect(requests()).toBe(before);
  });

  it('a journal naming another server than --url / the baseline is refused before any request', async () => {
    const { file, lines } = await journalOf('ci.public-jobs');
    save(file, lines.map((l) => ({ ...l, url: decoy.url })));
    const before = requests();
    for (const args of [['--url', world.sim.url], ['--baseline', world.baseline]]) {
      const u = await run(['undo', file, '--yes', ...args], world.env);
      expect(u.code).toBe(2);
      expect(u.stderr).toContain(`was written against ${decoy.url}, but`);
    }
    expect(decoy.requests).toEqual([]);
    expect(requests()).toBe(before);
  });

  it('a plain-http server that is not loopback is refused like everywhere else', async () => {
    const { file } = await journalOf('ci.public-jobs');
    const u = await run(['undo', file, '--yes', '--url', 'http://gitlab.example.com'], world.env);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('is plain http: GITLAB_TOKEN would travel in clear');
  });
});

describe('item 2: undo replays only writes revert could have produced', () => {
  it('PUT /application/settings with another field is refused with file and line; nothing is written', async () => {
    const { file, lines } = await journalOf('ci.public-jobs');
    const i = pendingIndex(lines);
    lines[i] = {
      ...lines[i], rule: 'instance.two-factor-required', target: { kind: 'instance', id: 1, path: '(instance)' }, setting: 'require_two_factor_authentication',
      method: 'PUT', path: '/application/settings', intended: { signup_enabled: false }, before: { signup_enabled: true }, fixData: { two_factor_grace_period: 8 },
    };
    for (const l of lines.slice(i + 1)) Object.assign(l, { method: 'PUT', path: '/application/settings' });
    save(file, lines);
    const w = writes();
    const u = await run(['undo', file, '--yes', '--baseline', world.baseline], world.env);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain(`${file}:${i + 1}: refused, not a write revert could have made`);
    expect(u.stderr).toContain('is not the body rule instance.two-factor-required sends');
    expect(writes()).toBe(w);
  });

  it('a null before on an update (undo would DELETE /projects/:id) is refused; the project stays', async () => {
    const { file, lines } = await journalOf('visibility.project');
    const i = pendingIndex(lines);
    lines[i] = { ...lines[i], before: null };
    save(file, lines);
    const w = writes();
    const u = await run(['undo', file, '--yes', '--baseline', world.baseline], world.env);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/changes an existing object, but the record's before value is null/);
    expect(writes()).toBe(w);
    expect(project('acme/web')).toBeTruthy();
    expect(world.sim.counts()['DELETE /projects/:id'] ?? 0).toBe(0);
  });

  it('a hook "deleted" by a rule whose fix never deletes (re-created to an arbitrary URL) is refused', async () => {
    const { file, lines } = await journalOf('webhooks.ssl-verification');
    const i = pendingIndex(lines);
    const path = String(lines[i]!.path);
    lines[i] = { ...lines[i], method: 'DELETE', intended: null, before: { id: Number(path.split('/').pop()), url: 'https://attacker.example/collect', push_events: true } };
    for (const l of lines.slice(i + 1)) l.method = 'DELETE';
    save(file, lines);
    const w = writes();
    const u = await run(['undo', file, '--yes', '--baseline', world.baseline], world.env);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain(`DELETE ${path} is not the write rule webhooks.ssl-verification makes here (PUT ${path})`);
    expect(writes()).toBe(w);
  });

  it('an ssl fix whose before value points the hook elsewhere is refused (revert never changes a hook URL)', async () => {
    const { file, lines } = await journalOf('webhooks.ssl-verification');
    const i = pendingIndex(lines);
    lines[i] = { ...lines[i], before: { ...(lines[i]!.before as object), url: 'https://attacker.example/collect' } };
    save(file, lines);
    const u = await run(['undo', file, '--yes', '--baseline', world.baseline], world.env);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('the before value of url ("https://attacker.example/collect") differs from the one the write re-sent');
  });

  it('a git-abuse step naming another group field is refused (only the three download-limit fields)', async () => {
    const { file, lines } = await journalOf('two-factor.required');
    const i = pendingIndex(lines);
    lines[i] = { ...lines[i], rule: 'git-abuse.download-limit', setting: 'shared_runners_setting', intended: { shared_runners_setting: 100 }, before: { shared_runners_setting: 'enabled' } };
    save(file, lines);
    const u = await run(['undo', file, '--yes', '--baseline', world.baseline], world.env);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('rule git-abuse.download-limit never writes "shared_runners_setting"');
  });
});

describe('item 3: a journal says when it is whole', () => {
  it('a journal cut short (no end record) is refused with exit 2 and says what is missing; --partial undoes it, saying so', async () => {
    const { file, lines } = await journalOf('ci.public-jobs');
    expect(lines[0]).toMatchObject({ record: 'header', format: 'gitlab-posture-journal', url: world.sim.url, planned: 1 });
    expect(lines.at(-1)).toMatchObject({ record: 'end', steps: 1 });
    save(file, lines.slice(0, -1));
    const w = writes();
    const u = await run(['undo', file, '--yes', '--baseline', world.baseline], world.env);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('is not a whole journal:\n  missing: the end record');
    expect(writes()).toBe(w);
    const p = await run(['undo', file, '--yes', '--baseline', world.baseline, '--partial'], world.env);
    expect(p.stdout).toContain('Partial journal (--partial)');
    expect(p.stdout).toContain('1 of 1 value(s) restored and verified.');
    expect(project('acme/platform/infra').public_jobs).toBe(true);
    expect(p.code).toBe(2);
  });

  it('steps cut from the middle are noticed through the counts', async () => {
    const { file, lines } = await journalOf('protected-branches.*');
    const seqs = [...new Set(lines.filter((l) => typeof l.seq === 'number').map((l) => l.seq))];
    expect(seqs.length).toBeGreaterThan(1);
    save(file, lines.filter((l) => l.seq !== seqs[0]));
    const u = await run(['undo', file, '--yes', '--baseline', world.baseline], world.env);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain(`missing: steps: the end record counts ${seqs.length}, the file holds ${seqs.length - 1}`);
  });

  it('a file that is not a journal (records without header, or another format) is refused with exit 2', async () => {
    const { file, lines } = await journalOf('ci.public-jobs');
    save(file, lines.filter((l) => l.record === undefined));
    const u = await run(['undo', file, '--yes', '--baseline', world.baseline], world.env);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('missing: the header record');
    const yaml = join(world.dir, 'baseline.yaml');
    const v = await run(['undo', yaml, '--yes', '--baseline', world.baseline], world.env);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain(`${yaml}:1: not a gitlab-posture journal record`);
    expect(readdirSync(world.dir).filter((f) => f.endsWith('.jsonl'))).toHaveLength(1);
  });
});

describe('item 7: journal text never drives the terminal', () => {
  it('escape sequences in a record reach undo output as U+FFFD, never raw', async () => {
    const { file, lines } = await journalOf('ci.public-jobs');
    for (const l of lines) if (l.target) l.target = { ...(l.target as object), path: 'acme/platform/infra\u001b]0;pwned\u0007\u001b[2J\r' };
    save(file, lines);
    const u = await run(['undo', file, '--yes', '--baseline', world.baseline], world.env);
    expect(u.code).toBe(0);
    expect(u.stdout).toContain('1. acme/platform/infra\ufffd]0;pwned\ufffd\ufffd[2J   public_jobs: restore PUT /projects/');
    expect(u.stdout + u.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});

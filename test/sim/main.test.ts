// `npm run sim` as the README shows it: a child process that prints its URL and tokens, serves GitLab's API,
// and on SIGTERM saves its state (with --save) and exits.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/cli';

describe('npm run sim', () => {
  it('prints URL and tokens, answers with them, saves on SIGTERM', async () => {
    const save = join(tempDir('posture-sim-'), 'state.json');
    const child = spawn(process.execPath, ['--import', 'tsx', 'sim/main.ts', '--scenario', 'incident', '--port', '0', '--save', save], {
      cwd: join(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL after 60 s: ${out}`)), 60_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (/owner token: \S+/.test(out) && /^url: \S+/m.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await ready;
    const url = /^url: (\S+)/m.exec(out)![1]!;
    const token = /owner token: (\S+)/.exec(out)![1]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const version = await fetch(`${url}/api/v4/version`, { headers: { 'PRIVATE-TOKEN': token } });
    expect(version.status).toBe(200);
    expect(((await version.json()) as { version: string }).version).toMatch(/-ee$/);
    const web = await fetch(`${url}/api/v4/projects/acme%2Fweb`, { headers: { 'PRIVATE-TOKEN': token } });
    expect(((await web.json()) as { visibility: string }).visibility).toBe('public');
    const anonymous = await fetch(`${url}/api/v4/version`);
    expect(anonymous.status).toBe(401);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(save)).toBe(true);
    const state = JSON.parse(readFileSync(save, 'utf8')) as { projects: { path_with_namespace: string }[] };
    expect(state.projects.map((p) => p.path_with_namespace)).toContain('acme/web');
  });
});

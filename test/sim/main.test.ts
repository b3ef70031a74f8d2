// `npm run sim` as the README shows it: a child process that prints its URL and tokens, serves GitLab's API,
// and on SIGTERM saves its state (with --save) and exits.
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it('prints ready-to-paste exports and, with --stream-to, streams audit events to that URL with its verification token', async () => {
    const received: { token: string | undefined; body: { event_type?: string; entity_path?: string } }[] = [];
    let delivered: () => void = () => undefined;
    const firstDelivery = new Promise<void>((r) => (delivered = r));
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ token: req.headers['x-gitlab-event-streaming-token'] as string | undefined, body: JSON.parse(body) as { event_type?: string } });
        res.end('ok');
        delivered();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const streamUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'sim/main.ts', '--scenario', 'incident', '--port', '0', '--stream-to', streamUrl, '--stream-token', 'verify-me'],
      { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no exports after 60 s: ${out}`)), 60_000);
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (/gitlab-posture watch/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const url = /^url: (\S+)/m.exec(out)![1]!;
      const token = /owner token: (\S+)/.exec(out)![1]!;
      expect(out).toContain(`  export GITLAB_URL=${url} GITLAB_TOKEN=${token} GITLAB_STREAMING_TOKEN=verify-me\n`);
      expect(out).toContain(`audit event streaming: acme -> ${streamUrl} (verification token verify-me)`);

      const put = await fetch(`${url}/api/v4/groups/acme`, {
        method: 'PUT',
        headers: { 'PRIVATE-TOKEN': token, 'content-type': 'application/json' },
        body: JSON.stringify({ require_two_factor_authentication: true }),
      });
      expect(put.status).toBe(200);
      // Delivery is asynchronous: wait for the receiver's first request.
      await firstDelivery;
      expect(received.map((r) => r.token)).toEqual(['verify-me']);
      expect(received[0]!.body.entity_path).toBe('acme');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
      await new Promise((r) => receiver.close(r));
    }
  });
});

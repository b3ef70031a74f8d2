// The provider and the program refuse a plain http:// GitLab URL off this host unless the stack config allows it
// (gitlab:allowHttp, the CLI's --allow-http, checks/cli/connect.ts): every request carries the token in a header.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pulumi from '@pulumi/pulumi';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../sim';
import { providerFor } from '../../provider/serializable';
import { runProgram } from '../../provider/program';
import { allowHttpOf, checkGitlabUrl } from '../../provider/gitlab-url';
import { tempDir } from '../helpers/tmp';

const TOKEN = 'glpat-allowhttp-0123456789';

async function configure(cfg: Record<string, string>) {
  await providerFor('GroupSecurity').configure!({ config: { get: (k: string) => cfg[k], require: (k: string) => cfg[k]! } } as never);
}

describe('checkGitlabUrl', () => {
  it('accepts https and loopback http; refuses other http, credentials and non-http URLs', () => {
    expect(checkGitlabUrl('https://gitlab.example.com', 'gitlab:url', false)).toBe('https://gitlab.example.com');
    expect(checkGitlabUrl('http://127.0.0.1:8080', 'gitlab:url', false)).toBe('http://127.0.0.1:8080');
    expect(checkGitlabUrl('http://localhost', 'gitlab:url', false)).toBe('http://localhost');
    expect(() => checkGitlabUrl('http://gitlab.example.com', 'gitlab:url', false)).toThrow(
      'GitLab URL http://gitlab.example.com (gitlab:url) is plain http: the GitLab token would travel in clear. Use https://, or `pulumi config set gitlab:allowHttp true` if this network path is trusted.',
    );
    expect(checkGitlabUrl('http://gitlab.example.com', 'gitlab:url', true)).toBe('http://gitlab.example.com');
    expect(() => checkGitlabUrl('https://u:p@gitlab.example.com', 'GITLAB_URL', false)).toThrow(/\(GITLAB_URL\): remove the user name and password/);
    expect(() => checkGitlabUrl('ftp://gitlab.example.com', 'gitlab:url', false)).toThrow(/is not an http\(s\) URL/);
  });

  it('gitlab:allowHttp is true or false', () => {
    expect([allowHttpOf(undefined), allowHttpOf('true'), allowHttpOf('false'), allowHttpOf(true)]).toEqual([false, true, false, true]);
    expect(() => allowHttpOf('yes')).toThrow('gitlab:allowHttp must be true or false, got "yes"');
  });
});

describe('the provider', () => {
  let sim: RunningSim;
  beforeAll(async () => {
    sim = await startSim({ scenario: 'hardened' });
  });
  afterAll(async () => {
    await configure({});
    await sim.close();
  });

  it('refuses a plain http URL off this host before sending anything, without naming the token', async () => {
    // 192.0.2.1 (TEST-NET-1) is never contacted: the check comes first.
    await configure({ 'gitlab:url': 'http://192.0.2.1:8080', 'gitlab:token': TOKEN });
    const err = await providerFor('GroupSecurity').read!('group:1', { group: 'acme' }).then(() => null, (e: Error) => e);
    expect(err?.message).toBe(
      'gitlab-posture provider: GitLab URL http://192.0.2.1:8080 (gitlab:url) is plain http: the GitLab token would travel in clear. Use https://, or `pulumi config set gitlab:allowHttp true` if this network path is trusted.',
    );
    expect(String(err)).not.toContain(TOKEN);
    await configure({ 'gitlab:url': 'http://192.0.2.1:8080', 'gitlab:token': TOKEN, 'gitlab:allowHttp': 'maybe' });
    await expect(providerFor('GroupSecurity').read!('group:1', { group: 'acme' })).rejects.toThrow('gitlab:allowHttp must be true or false');
  });

  it('talks to a loopback http URL (the simulator)', async () => {
    await configure({ 'gitlab:url': sim.url, 'gitlab:token': sim.tokens.owner });
    const { props } = await providerFor('GroupSecurity').read!('group:1', { group: 'acme' });
    expect(props).toMatchObject({ group: 'acme' });
  });
});

describe('the program (runProgram)', () => {
  it('refuses a plain http gitlab:url off this host, naming the config key', async () => {
    const dir = tempDir('posture-allowhttp-');
    const file = join(dir, 'baseline.yaml');
    writeFileSync(file, 'targets: { groups: [acme] }\nprofile: baseline\n');
    pulumi.runtime.setAllConfig({ 'gitlab-posture:baseline': file, 'gitlab:url': 'http://192.0.2.1', 'gitlab:token': TOKEN }, ['gitlab:token']);
    await expect(runProgram()).rejects.toThrow('GitLab URL http://192.0.2.1 (gitlab:url) is plain http');
  });
});

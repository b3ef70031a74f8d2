import { describe, expect, it } from 'vitest';
import type { GlHook, GlVariable } from '../../gitlab/types';
import type { FindingDraft, RuleOutcome } from '../../policies/rule';
import { allowedHosts, sslVerification } from '../../policies/webhooks';
import { jobTokenScope, maskedVariables, publicJobs } from '../../policies/ci';
import { GROUP_TARGET, PROJECT_TARGET, complete, ctx, drafts, glProject, group, hook, params, project, variable } from './helpers';

describe('webhooks.ssl-verification', () => {
  const p = params('webhooks');
  const noVerify = (id: number, host: string, url: string, owner = 'project acme/web'): FindingDraft => ({
    setting: 'enable_ssl_verification',
    object: String(id),
    expected: true,
    actual: false,
    message: `Webhook ${id} of ${owner} to ${host} does not verify TLS certificates`,
    fixData: { url },
  });
  const url = 'https://hooks.example.com/gitlab?k=1';
  it.each<[string, GlHook[], FindingDraft[]]>([
    ['verifies TLS', [hook(1, url)], []],
    ['does not verify', [hook(1, url, { enable_ssl_verification: false })], [noVerify(1, 'hooks.example.com', url)]],
    [
      'plain HTTP',
      [hook(2, 'http://10.0.0.5:8080/x')],
      [{ setting: 'url', object: '2', expected: 'https', actual: 'http', message: 'Webhook 2 of project acme/web sends to 10.0.0.5:8080 over plain HTTP', fixData: { plain_http: true } }],
    ],
  ])('project hook: %s', (_n, hooks, want) => {
    expect(sslVerification.evaluate(project({ hooks }), p, ctx)).toEqual(want);
  });
  it('group hooks are judged too, and are Premium', () => {
    const hooks = [hook(3, url, { enable_ssl_verification: false })];
    expect(sslVerification.evaluate(group({ hooks }), p, ctx)).toEqual([noVerify(3, 'hooks.example.com', url, 'group acme')]);
    expect(sslVerification.minTier).toEqual({ group: 'premium', project: 'free' });
  });
  it('message never shows the URL path or query (it may hold a secret)', () => {
    const secretUrl = 'https://hooks.slack.com/services/T000/B000/SECRETPART';
    const [d] = sslVerification.evaluate(project({ hooks: [hook(1, secretUrl, { enable_ssl_verification: false })] }), p, ctx) as FindingDraft[];
    expect(d!.message).not.toContain('SECRETPART');
    expect(JSON.stringify([d!.expected, d!.actual, d!.object])).not.toContain('SECRETPART');
  });
  it.each([
    ['project', PROJECT_TARGET, '/projects/12/hooks/1'],
    ['group', GROUP_TARGET, '/groups/100/hooks/1'],
  ] as const)('fix PUTs the %s hook with the same URL', (_n, target, path) => {
    expect(sslVerification.fix(complete(sslVerification, target, noVerify(1, 'h', url)), p)).toEqual({
      method: 'PUT',
      path,
      body: { url, enable_ssl_verification: true },
    });
  });
  it('fix for plain HTTP is manual', () => {
    const f = complete(sslVerification, PROJECT_TARGET, { setting: 'url', object: '2', expected: 'https', actual: 'http', message: 'm', fixData: { plain_http: true } });
    expect(sslVerification.fix(f, p)).toEqual({ manual: expect.stringContaining('plain HTTP') });
  });
});

describe('webhooks.allowed-hosts', () => {
  const allow = params('webhooks', { allowed_hosts: ['*.example.com', 'ci.acme.test'] });
  const outside = (id: number, host: string, owner = 'project acme/web'): FindingDraft => ({
    setting: 'url',
    object: String(id),
    expected: ['*.example.com', 'ci.acme.test'],
    actual: host,
    message: `Webhook ${id} of ${owner} sends to ${host}, which is not in the allowed hosts`,
  });
  it.each<[string, GlHook[], RuleOutcome]>([
    ['allowed by glob', [hook(1, 'https://hooks.example.com/x')], []],
    ['allowed by name, any case', [hook(1, 'https://CI.acme.test/x')], []],
    ['unknown host', [hook(1, 'https://hooks.example.com/x'), hook(2, 'https://exfil.evil.net/collect')], [outside(2, 'exfil.evil.net')]],
    ['look-alike suffix', [hook(3, 'https://example.com.evil.net/x')], [outside(3, 'example.com.evil.net')]],
    ['unparseable URL', [hook(4, 'not a url')], [outside(4, '(unparseable URL)')]],
  ])('%s', (_n, hooks, want) => {
    expect(allowedHosts.evaluate(project({ hooks }), allow, ctx)).toEqual(want);
  });
  it('group hook outside the allowlist', () => {
    expect(allowedHosts.evaluate(group({ hooks: [hook(5, 'https://x.evil.net')] }), allow, ctx)).toEqual([outside(5, 'x.evil.net', 'group acme')]);
  });
  it('no allowlist: skipped', () => {
    expect(allowedHosts.evaluate(project({ hooks: [hook(1, 'https://x.evil.net')] }), params('webhooks'), ctx)).toEqual({ skip: 'no allowlist' });
  });
  it('fix deletes the hook: destructive, token unrecoverable', () => {
    expect(allowedHosts.fix(complete(allowedHosts, PROJECT_TARGET, outside(2, 'exfil.evil.net')), allow)).toEqual({
      method: 'DELETE',
      path: '/projects/12/hooks/2',
      destructive: true,
      unrecoverable: "the hook's secret token cannot be read back",
    });
  });
});

// Masked hook URLs: parts of the URL (the whole URL included) can be `{name}` references to url_variables, whose
// values GitLab never returns (app/models/hooks/web_hook.rb VARIABLE_REFERENCE_RE, #interpolated_url;
// lib/api/entities/hook.rb exposes url_variables as keys only). A masked host cannot be judged against the allowlist.
describe('webhooks with masked URLs (url_variables)', () => {
  const allow = params('webhooks', { allowed_hosts: ['*.example.com'] });
  const masked = (id: number, vars: string): FindingDraft => ({
    setting: 'url',
    object: String(id),
    expected: ['*.example.com'],
    actual: '(masked host)',
    message: `Webhook ${id} of project acme/web has its host masked by URL variables (${vars}): it cannot be judged against the allowed hosts; check the hook in GitLab`,
    fixData: { masked_host: true },
  });
  it.each<[string, string, RuleOutcome]>([
    ['a masked path on an allowed host is judged by its host', 'https://hooks.example.com/{token}', []],
    ['a masked path on another host is outside', 'https://exfil.evil.net/{token}', [{ setting: 'url', object: '1', expected: ['*.example.com'], actual: 'exfil.evil.net', message: 'Webhook 1 of project acme/web sends to exfil.evil.net, which is not in the allowed hosts' }]],
    ['a masked host', 'https://{host}/collect', [masked(1, '{host}')]],
    ['a masked subdomain', 'https://{team}.example.com/x', [masked(1, '{team}')]],
    ['a masked port', 'https://hooks.example.com:{port}/x', [masked(1, '{port}')]],
    ['the whole URL is one variable', '{url}', [masked(1, '{url}')]],
  ])('%s', (_n, url, want) => {
    expect(allowedHosts.evaluate(project({ hooks: [hook(1, url, { url_variables: [{ key: 'x' }] })] }), allow, ctx)).toEqual(want);
  });

  it('a masked host is never planned for deletion: the fix is manual', () => {
    const fix = allowedHosts.fix(complete(allowedHosts, PROJECT_TARGET, masked(1, '{url}')), allow);
    expect(fix).toEqual({ manual: expect.stringContaining("Webhook 1's host is masked by URL variables") });
  });

  it('ssl-verification: a masked scheme is not judged as plain HTTP; the flag still is, and the PUT resends the template', () => {
    const p = params('webhooks');
    const out = drafts(sslVerification.evaluate(project({ hooks: [hook(1, '{url}', { enable_ssl_verification: false })] }), p, ctx));
    expect(out.map((d) => [d.setting, d.message])).toEqual([['enable_ssl_verification', 'Webhook 1 of project acme/web to (masked host) does not verify TLS certificates']]);
    expect(sslVerification.fix(complete(sslVerification, PROJECT_TARGET, out[0]!), p)).toEqual({
      method: 'PUT',
      path: '/projects/12/hooks/1',
      body: { url: '{url}', enable_ssl_verification: true },
    });
  });
});

describe('ci.job-token-scope', () => {
  const p = params('ci');
  const open: FindingDraft = { setting: 'inbound_enabled', expected: true, actual: false, message: 'Project acme/web accepts CI job tokens from any project (inbound allowlist off)' };
  it.each<[string, boolean, FindingDraft[]]>([
    ['allowlist enforced', true, []],
    ['allowlist off', false, [open]],
  ])('%s', (_n, inbound, want) => {
    expect(jobTokenScope.evaluate(project({ jobTokenScope: { inbound_enabled: inbound, outbound_enabled: false } }), p, ctx)).toEqual(want);
  });
  it('fix PATCHes the scope', () => {
    expect(jobTokenScope.fix(complete(jobTokenScope, PROJECT_TARGET, open), p)).toEqual({ method: 'PATCH', path: '/projects/12/job_token_scope', body: { enabled: true } });
  });
});

describe('ci.public-jobs', () => {
  const p = params('ci');
  const pub: FindingDraft = { setting: 'public_jobs', expected: false, actual: true, message: 'Job logs and artifacts of project acme/web are visible to non-members (public_jobs)' };
  it.each<[string, boolean, FindingDraft[]]>([
    ['not public', false, []],
    ['public', true, [pub]],
  ])('%s', (_n, on, want) => {
    expect(publicJobs.evaluate(project({ project: glProject({ public_jobs: on }) }), p, ctx)).toEqual(want);
  });
  it('fix PUTs the project', () => {
    expect(publicJobs.fix(complete(publicJobs, PROJECT_TARGET, pub), p)).toEqual({ method: 'PUT', path: '/projects/12', body: { public_jobs: false } });
  });
});

describe('ci.masked-variables', () => {
  const p = params('ci');
  const strict = params('ci', { require_protected: true });
  const unmasked = (key: string, scope = '*', owner = 'project acme/web'): FindingDraft => ({
    setting: 'masked',
    object: key,
    expected: true,
    actual: false,
    message: `CI/CD variable ${key}${scope === '*' ? '' : ` (environment ${scope})`} of ${owner} looks like a secret but is not masked`,
    fixData: { environment_scope: scope },
  });
  const unprotected = (key: string): FindingDraft => ({
    setting: 'protected',
    object: key,
    expected: true,
    actual: false,
    message: `CI/CD variable ${key} of project acme/web looks like a secret but is available to unprotected branches`,
    fixData: { environment_scope: '*' },
  });
  it.each<[string, GlVariable[], typeof p, FindingDraft[]]>([
    ['masked secret', [variable('DEPLOY_TOKEN')], p, []],
    ['hidden counts as masked', [variable('DEPLOY_TOKEN', { masked: false, hidden: true })], p, []],
    ['unmasked secret', [variable('DEPLOY_TOKEN', { masked: false })], p, [unmasked('DEPLOY_TOKEN')]],
    ['pattern match is a case-insensitive substring', [variable('aws_secret_access_key', { masked: false })], p, [unmasked('aws_secret_access_key')]],
    ['unmasked non-secret', [variable('NODE_ENV', { masked: false, protected: false })], p, []],
    ['scoped variable', [variable('DB_PASSWORD', { masked: false, environment_scope: 'production' })], p, [unmasked('DB_PASSWORD', 'production')]],
    ['unprotected is fine unless required', [variable('API_KEY', { protected: false })], p, []],
    ['unprotected when protection is required', [variable('API_KEY', { protected: false })], strict, [unprotected('API_KEY')]],
    ['both', [variable('API_KEY', { protected: false, masked: false })], strict, [unmasked('API_KEY'), unprotected('API_KEY')]],
  ])('%s', (_n, vars, prm, want) => {
    expect(maskedVariables.evaluate(project({ variables: vars }), prm, ctx)).toEqual(want);
  });
  it('group variables are judged', () => {
    expect(maskedVariables.evaluate(group({ variables: [variable('REGISTRY_PASSWORD', { masked: false })] }), p, ctx)).toEqual([unmasked('REGISTRY_PASSWORD', '*', 'group acme')]);
  });
  it.each([
    ['project, masked', PROJECT_TARGET, unmasked('DB_PASSWORD', 'production'), { method: 'PUT', path: '/projects/12/variables/DB_PASSWORD?filter[environment_scope]=production', body: { masked: true } }],
    ['group, masked', GROUP_TARGET, unmasked('REGISTRY_PASSWORD'), { method: 'PUT', path: '/groups/100/variables/REGISTRY_PASSWORD?filter[environment_scope]=*', body: { masked: true } }],
    ['project, protected', PROJECT_TARGET, unprotected('API_KEY'), { method: 'PUT', path: '/projects/12/variables/API_KEY?filter[environment_scope]=*', body: { protected: true } }],
  ])('fix %s: flag only, never a value', (_n, target, d, want) => {
    expect(maskedVariables.fix(complete(maskedVariables, target, d), p)).toEqual(want);
  });
});

// Two simulator behaviours checked against GitLab's source, and what the tool does with them.
// 1. A valid token of a blocked or deactivated user: APIGuard::HelperMethods#find_current_user! (lib/api/api_guard.rb)
//    answers `forbidden!(api_access_denied_message(user))` when `api_access_allowed?` is false (Gitlab::UserAccess#allowed?
//    is false for a blocked user; deactivated users may not :access_api), i.e. 403 with
//    Gitlab::Auth::UserAccessDeniedReason#rejection_message (lib/gitlab/auth/user_access_denied_reason.rb) after
//    `403 Forbidden - ` (lib/api/helpers.rb `forbidden!`). Token expiry and revocation are checked first (401).
// 2. Deploy keys: API::Entities::DeployKeysProject (lib/api/entities/deploy_keys_project.rb) exposes `can_push` on
//    every key (deploy_keys_projects.can_push is NOT NULL DEFAULT false); API::Entities::DeployKey
//    (lib/api/entities/deploy_key.rb) exposes `fingerprint` only `if: key.fingerprint.present?`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSim } from '../../sim';
import { raw, withSim } from './helpers';
import { ACME_HARDENED, runCli, tempDir, writeBaseline } from '../helpers/cli';
import { errorFromResponse, ForbiddenError } from '../../gitlab/errors';
import { deployKeySchema, shapeProblem } from '../../gitlab/schemas';
import { z } from 'zod';

let sim: RunningSim;
beforeAll(async () => {
  sim = await withSim({ scenario: 'hardened' });
});
afterAll(async () => {
  await sim.close();
});

/** Runs `fn` with the owner token's user in `state`, then makes it active again. */
async function asUserIn<T>(state: 'blocked' | 'deactivated', fn: () => Promise<T>): Promise<T> {
  const token = sim.state.tokens.find((t) => t.token === sim.tokens.owner)!;
  const user = sim.state.users.find((u) => u.id === token.user_id)!;
  user.state = state;
  try {
    return await fn();
  } finally {
    user.state = 'active';
  }
}

describe('a blocked or deactivated user\'s token (APIGuard find_current_user!, UserAccessDeniedReason)', () => {
  it('blocked: 403 {"message":"403 Forbidden - Your account has been blocked."} on every endpoint, not 401', async () => {
    await asUserIn('blocked', async () => {
      for (const path of ['/version', '/user', '/groups/acme']) {
        const res = await raw(sim, path, { token: sim.tokens.owner });
        expect([path, res.status, res.json]).toEqual([path, 403, { message: '403 Forbidden - Your account has been blocked.' }]);
        expect(res.headers.get('www-authenticate')).toBeNull();
      }
    });
  });

  it('deactivated: 403 with the reactivation text naming the instance URL', async () => {
    await asUserIn('deactivated', async () => {
      const res = await raw(sim, '/version', { token: sim.tokens.owner });
      expect(res.status).toBe(403);
      expect(res.json).toEqual({
        message: `403 Forbidden - Your account has been deactivated by your administrator. Please log back in from a web browser to reactivate your account at ${sim.url}`,
      });
    });
  });

  it('an unknown token is still 401 Unauthorized (AuthFinders UnauthorizedError)', async () => {
    const res = await raw(sim, '/version', { token: 'glpat-not-a-known-token-000' });
    expect([res.status, res.json]).toEqual([401, { message: '401 Unauthorized' }]);
  });

  it('check says the user is blocked and what to do, exit 2, no stack trace, no token', async () => {
    const dir = tempDir('posture-blocked-');
    const r = await asUserIn('blocked', () => runCli(['check', '--baseline', writeBaseline(dir, sim.url, ACME_HARDENED)], { GITLAB_TOKEN: sim.tokens.owner }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('-> 403: 403 Forbidden - Your account has been blocked. ');
    expect(r.stderr).toContain('the user is blocked. Ask an administrator to unblock the user, or set GITLAB_TOKEN to a token of an active user.');
    expect(r.stderr).not.toContain('needs');
    expect(r.all).not.toMatch(/\n\s+at /);
    expect(r.all).not.toContain(sim.tokens.owner);
  });

  it('the client tells a refused user from a missing role', () => {
    const blocked = errorFromResponse('GET', '/projects/12/hooks', 403, { message: '403 Forbidden - Your account has been blocked.' });
    expect(blocked).toBeInstanceOf(ForbiddenError);
    expect(blocked.message).toBe(
      "GET /projects/12/hooks -> 403: 403 Forbidden - Your account has been blocked. GitLab refuses every API request of this token's user, whatever its role or scopes: the user is blocked. Ask an administrator to unblock the user, or set GITLAB_TOKEN to a token of an active user.",
    );
    const role = errorFromResponse('GET', '/projects/12/hooks', 403, { message: '403 Forbidden' });
    expect(role.message).toBe('GET /projects/12/hooks -> 403: 403 Forbidden. This endpoint needs Maintainer. Use a token with that role, or add 12 to targets.exclude.');
  });
});

describe('deploy keys (DeployKeysProject, DeployKey)', () => {
  it('every listed key carries can_push; fingerprint only when the key has one; the schema requires can_push', async () => {
    const web = sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;
    web.deploy_keys.push({ id: 9101, title: 'read-only', can_push: false }, { id: 9102, title: 'writer', can_push: true, fingerprint: '4a:9d:64:15:ed:3a:e6:07:6e:89:36:b3:3b:03:05:d9' });
    try {
      const keys = (await raw(sim, '/projects/acme%2Fweb/deploy_keys', { token: sim.tokens.maintainer })).json as Record<string, unknown>[];
      expect(keys.map((k) => [k.id, k.can_push, 'fingerprint' in k, typeof k.fingerprint_sha256])).toEqual([
        [9101, false, false, 'string'],
        [9102, true, true, 'string'],
      ]);
      expect(shapeProblem(z.array(deployKeySchema), keys)).toBeUndefined();
      const { can_push: _dropped, ...withoutCanPush } = keys[0]!;
      expect(shapeProblem(z.array(deployKeySchema), [withoutCanPush])).toBe('[0].can_push: expected boolean, missing');
    } finally {
      web.deploy_keys = [];
    }
  });
});

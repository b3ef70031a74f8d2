import { describe, expect, it } from 'vitest';
import {
  errorFromResponse,
  flattenGitlabMessage,
  ForbiddenError,
  NotFoundError,
  RejectedError,
  toReadError,
  UnauthorizedError,
} from '../../gitlab/errors';

describe('errorFromResponse', () => {
  it('401: invalid token', () => {
    const e = errorFromResponse('GET', '/groups/acme', 401, { message: '401 Unauthorized' });
    expect(e).toBeInstanceOf(UnauthorizedError);
    expect(e.message).toBe('GET /groups/acme -> 401: 401 Unauthorized. The token is invalid, expired or revoked. Set GITLAB_TOKEN to a valid token.');
    expect(toReadError(e)).toEqual({ kind: 'unauthorized', status: 401, method: 'GET', path: '/groups/acme', message: e.message });
  });

  // lib/api/api_guard.rb: ExpiredError / RevokedError become OAuth2 invalid_token bodies with these descriptions.
  it.each([
    ['expired', 'Token is expired. You can either do re-authorization or token refresh.', 'The token has expired. Create a new token and set GITLAB_TOKEN to it.'],
    ['revoked', 'Token was revoked. You have to re-authorize from the user.', 'The token was revoked. Create a new token and set GITLAB_TOKEN to it.'],
  ])('401: %s token (invalid_token) says which', (_n, description, hint) => {
    const e = errorFromResponse('GET', '/version', 401, { error: 'invalid_token', error_description: description });
    expect(e).toBeInstanceOf(UnauthorizedError);
    expect(e.message).toBe(`GET /version -> 401: invalid_token: ${description} ${hint}`);
  });

  it('403 on project hooks names the role', () => {
    const e = errorFromResponse('GET', '/projects/acme%2Fweb/hooks', 403, { message: '403 Forbidden' }) as ForbiddenError;
    expect(e).toBeInstanceOf(ForbiddenError);
    expect(e.needs).toBe('Maintainer');
    expect(e.message).toBe(
      'GET /projects/acme%2Fweb/hooks -> 403: 403 Forbidden. This endpoint needs Maintainer. Use a token with that role, or add acme/web to targets.exclude.',
    );
  });

  it.each([
    ['GET', '/groups/acme/hooks', 'Owner (group hooks are Premium)'],
    ['GET', '/groups/acme/variables', 'Owner'],
    ['GET', '/projects/1/approval_rules', 'Maintainer and a Premium licence'],
    ['GET', '/application/settings', 'an administrator token'],
    ['PUT', '/groups/acme', 'Owner'],
    ['GET', '/projects/1/job_token_scope', 'Maintainer'],
  ])('403 %s %s needs %s', (method, path, needs) => {
    expect((errorFromResponse(method, path, 403, { message: '403 Forbidden' }) as ForbiddenError).needs).toBe(needs);
  });

  it('insufficient_scope: the token lacks the api scope', () => {
    const e = errorFromResponse('PUT', '/projects/12', 403, {
      error: 'insufficient_scope',
      error_description: 'The request requires higher privileges than provided by the access token.',
      scope: 'api',
    }) as ForbiddenError;
    expect(e.needs).toBe('api scope');
    expect(e.message).toContain('PUT /projects/12 -> 403: insufficient_scope: The request requires higher privileges');
    expect(e.message).toContain('The token lacks the `api` scope');
  });

  it('404: a missing object vs an unknown route', () => {
    const missing = errorFromResponse('GET', '/projects/acme%2Fgone', 404, { message: '404 Project Not Found' });
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toContain('GET /projects/acme%2Fgone -> 404: 404 Project Not Found. Not found or not visible to this token');
    expect(missing.message).toContain('acme/gone');
    const route = errorFromResponse('GET', '/groups/1/hooks', 404, { error: '404 Not Found' });
    expect(route.message).toContain('EE-only endpoint on a CE build');
  });

  it('422 array message and 400 field message are flattened', () => {
    const e = errorFromResponse('PATCH', '/projects/1/protected_branches/main', 422, {
      message: ['Push access levels access level has already been taken'],
    });
    expect(e).toBeInstanceOf(RejectedError);
    expect(e.message).toMatch(/^PATCH \/projects\/1\/protected_branches\/main -> 422: Push access levels access level has already been taken\./);
    expect(flattenGitlabMessage({ message: { name: ['has already been taken'], path: ['is too short'] } })).toBe(
      'name has already been taken; path is too short',
    );
    expect(flattenGitlabMessage({ message: { error: 'This endpoint has been requested too many times. Try again later.' } })).toBe(
      'This endpoint has been requested too many times. Try again later.',
    );
    expect((e.cause as { message: string[] }).message).toEqual(['Push access levels access level has already been taken']);
  });

  it('toReadError never dumps a foreign error object', () => {
    const foreign = Object.assign(new Error('boom glpat-abcdefghijklmnop1234'), { cause: { headers: { 'private-token': 'x' } } });
    expect(toReadError(foreign)).toEqual({ kind: 'bad_response', message: 'Error: boom [REDACTED]' });
  });
});

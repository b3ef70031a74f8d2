// The checks every GitLab URL the Pulumi program and provider send the token to passes, as the CLI's (checks/cli/connect.ts
// checkUrl): http(s) only, no credentials in the URL, and no plain http off this host unless the stack config says
// `gitlab:allowHttp: true` (the CLI's --allow-http). The token travels in a header of every request.
import { isLoopback } from '../checks/cli/connect';

/** `gitlab:allowHttp` as the stack config holds it (a string: `pulumi config set gitlab:allowHttp true`). */
export function allowHttpOf(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`gitlab:allowHttp must be true or false, got ${JSON.stringify(value)}: \`pulumi config set gitlab:allowHttp true\`.`);
}

/** The URL unchanged, or a how-to-fix error naming where it came from (never the token). */
export function checkGitlabUrl(url: string, source: string, allowHttp: boolean): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
    if (!['http:', 'https:'].includes(parsed.protocol)) throw new Error('protocol');
  } catch {
    throw new Error(`GitLab URL "${url}" (${source}) is not an http(s) URL. Example: pulumi config set gitlab:url https://gitlab.example.com`);
  }
  if (parsed.username || parsed.password) {
    throw new Error(`GitLab URL ${parsed.protocol}//${parsed.host} (${source}): remove the user name and password from the URL; the token belongs in the secret config gitlab:token.`);
  }
  if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname) && !allowHttp) {
    throw new Error(
      `GitLab URL ${parsed.protocol}//${parsed.host} (${source}) is plain http: the GitLab token would travel in clear. ` +
        'Use https://, or `pulumi config set gitlab:allowHttp true` if this network path is trusted.',
    );
  }
  return url;
}

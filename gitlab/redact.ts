// The token must never reach output, logs, errors or files. Every message and verbose line the client
// produces goes through `redact`, which also catches tokens we were not told about (other env vars,
// a token echoed back inside a URL or a header dump).

const MASK = '[REDACTED]';

/** GitLab token prefixes (personal, OAuth, deploy, runner, trigger, CI build, feed, incoming mail, agent, SCIM). */
const PREFIXED_TOKEN = /\b(?:glpat|gloas|gldt|glrt|glrtr|glptt|glcbt|glft|glimt|glagent|glsoat|glffct|gltst)-[A-Za-z0-9_.-]{8,}/g;

/** Header dumps: `PRIVATE-TOKEN: x`, `"authorization":"Bearer x"`, `private-token=x`, `Job-Token: x`. */
const AUTH_HEADER = /((?:private[-_]token|job[-_]token|authorization)["']?\s*[:=]\s*["']?)((?:bearer|basic|token)\s+)?[^\s"',;&}\]]+/gi;

/** `private_token=` / `access_token=` query parameters. */
const TOKEN_QUERY = /([?&](?:private_token|access_token|job_token)=)[^&\s"'#]+/gi;

/**
 * Removes `secrets` (the client's token; empty or very short values are ignored so we never mask
 * ordinary words) and anything that looks like a GitLab token or an auth header value from `text`.
 */
export function redact(text: string, ...secrets: (string | undefined | null)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 6) out = out.split(secret).join(MASK);
  }
  return out
    .replace(PREFIXED_TOKEN, MASK)
    .replace(AUTH_HEADER, (_m, key: string, scheme: string | undefined) => `${key}${scheme ?? ''}${MASK}`)
    .replace(TOKEN_QUERY, (_m, key: string) => `${key}${MASK}`);
}

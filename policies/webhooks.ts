// Project and group webhooks (GitLab behaviours in docs/gitlab-behaviour.md, Webhooks; group hooks are Premium). Messages, expected and actual name
// the hook by id and host only: a hook URL can carry a secret in its path or query (chat webhooks). The full URL
// rides only in fixData of ssl findings, because the PUT needs it; reporters should not print fixData.
import type { GlHook } from '../gitlab/types';
import type { Finding } from '../model/result';
import { defineRule, type FindingDraft, type Subject } from './rule';
import { hostMatches, parseUrl } from './match';
import { missingFixData } from './fix-data';
import { SCENARIOS } from './scenarios';

const common = {
  area: 'webhooks' as const,
  scope: ['group' as const, 'project' as const],
  minTier: { group: 'premium' as const, project: 'free' as const },
  scenario: SCENARIOS.misconfiguredSettings,
  needs: { group: ['hooks' as const], project: ['hooks' as const] },
};

// GitLab audits no webhook update (only webhook_created / webhook_destroyed): the hook's creation is the only record.
const HOOK_CREATED = {
  events: ['webhook_created'],
  match: 'hook',
  creations: ['webhook_created'],
  creationNote: 'GitLab audits no webhook edits: this is the hook being created; a later edit would not show',
} as const;

function hooksOf(s: Subject): { hooks: GlHook[]; owner: string } | null {
  if (s.kind === 'project') return { hooks: s.hooks, owner: `project ${s.project.path_with_namespace}` };
  if (s.kind === 'group') return { hooks: s.hooks, owner: `group ${s.group.full_path}` };
  return null;
}

function hookPath(f: Finding): string {
  const scope = f.target.kind === 'group' ? 'groups' : 'projects';
  return `/${scope}/${f.target.id}/hooks/${f.object}`;
}

/** GitLab's URL-variable reference (app/models/hooks/web_hook.rb VARIABLE_REFERENCE_RE): `{name}` in a hook URL. */
const VARIABLE_REFERENCE_RE = /\{([A-Za-z]+[0-9]*(?:[._-][A-Za-z0-9]+)*)\}/g;
const SENTINEL = 'x0urlvariablex0';

/**
 * A hook URL as GitLab returns it: masked parts stay `{name}` templates (the values live in url_variables and are
 * interpolated only when the hook fires, WebHook#interpolated_url), and the whole URL may be one. `host` is null
 * when a variable stands for any of the host or port, or the URL cannot be parsed at all.
 */
export function readHookUrl(raw: string): { url: URL | null; maskedHost: boolean; maskedScheme: boolean; variables: string[] } {
  const variables = [...raw.matchAll(VARIABLE_REFERENCE_RE)].map((m) => m[1]!);
  if (variables.length === 0) return { url: parseUrl(raw), maskedHost: false, maskedScheme: false, variables };
  const probe = parseUrl(raw.replace(VARIABLE_REFERENCE_RE, SENTINEL));
  if (!probe) return { url: null, maskedHost: true, maskedScheme: true, variables };
  return {
    url: probe,
    maskedHost: probe.host.includes(SENTINEL) || probe.protocol.includes(SENTINEL),
    maskedScheme: probe.protocol.includes(SENTINEL),
    variables,
  };
}

function hostOf(raw: string): string {
  const read = readHookUrl(raw);
  if (read.maskedHost) return '(masked host)';
  return read.url?.host || '(unparseable URL)';
}

export const sslVerification = defineRule({
  ...common,
  id: 'webhooks.ssl-verification',
  title: 'Webhooks use verified TLS',
  description:
    'Hook payloads carry code, merge request and pipeline data plus the secret token; without verified TLS anyone on the path can read or redirect them.',
  severity: 'high',
  params: [],
  audit: HOOK_CREATED,
  guards: {
    Webhook: {
      fields: ['enable_ssl_verification'],
      declared: (i) => (i.enable_ssl_verification === true ? {} : null),
      // Plain-HTTP hooks are a check finding with a manual fix; the resource manages the verification flag only.
      settings: ['enable_ssl_verification'],
    },
  },
  evaluate: (s) => {
    const of = hooksOf(s);
    if (!of) return [];
    return of.hooks.flatMap((h): FindingDraft[] => {
      const host = hostOf(h.url);
      const out: FindingDraft[] = [];
      const read = readHookUrl(h.url);
      // A masked scheme cannot be judged here; allowed-hosts reports the masked URL.
      if (!read.maskedScheme && read.url?.protocol === 'http:') {
        // Certificate verification is moot over plain HTTP; only the receiver's URL can change that.
        out.push({
          setting: 'url',
          object: String(h.id),
          expected: 'https',
          actual: 'http',
          message: `Webhook ${h.id} of ${of.owner} sends to ${host} over plain HTTP`,
          fixData: { plain_http: true },
        });
      }
      if (!h.enable_ssl_verification) {
        out.push({
          setting: 'enable_ssl_verification',
          object: String(h.id),
          expected: true,
          actual: false,
          message: `Webhook ${h.id} of ${of.owner} to ${host} does not verify TLS certificates`,
          // PUT requires `url`; sending the same URL (a masked one as its template) keeps the hook's secret token
          // and URL variables, which GitLab resets only when the URL changes (WebHook#reset_token, #reset_url_variables).
          fixData: { url: h.url },
        });
      }
      return out;
    });
  },
  fix: (f) =>
    f.fixData?.plain_http
      ? {
          manual:
            `Webhook ${f.object} sends over plain HTTP: move the receiver to https and update the hook URL; ` +
            'changing the URL drops the secret token, so set it again in the same request (docs/gitlab-behaviour.md, Webhooks).',
        }
      : typeof f.fixData?.url === 'string'
        ? { method: 'PUT', path: hookPath(f), body: { url: f.fixData.url, enable_ssl_verification: true } }
        : missingFixData(f, "the hook's URL, which PUT requires"),
});

export const allowedHosts = defineRule({
  ...common,
  id: 'webhooks.allowed-hosts',
  title: 'Webhooks send only to allowed hosts',
  description:
    'An attacker with Maintainer access can add a hook to exfiltrate code pushes, merge requests and CI data to a host they control.',
  severity: 'high',
  params: ['allowed_hosts'],
  audit: HOOK_CREATED,
  evaluate: (s, params) => {
    if (params.allowed_hosts.length === 0) return { skip: 'no allowlist' };
    const of = hooksOf(s);
    if (!of) return [];
    return of.hooks.flatMap((h): FindingDraft[] => {
      const read = readHookUrl(h.url);
      if (read.maskedHost) {
        // The host hides behind URL variables whose values GitLab never returns: it cannot be judged, and a
        // hook that may well be allowed is never planned for deletion on that ground.
        return [
          {
            setting: 'url',
            object: String(h.id),
            expected: params.allowed_hosts,
            actual: '(masked host)',
            message:
              `Webhook ${h.id} of ${of.owner} has its host masked by URL variables (${read.variables.map((v) => `{${v}}`).join(', ')}): ` +
              'it cannot be judged against the allowed hosts; check the hook in GitLab',
            fixData: { masked_host: true },
          },
        ];
      }
      const url = read.url;
      if (url && params.allowed_hosts.some((g) => hostMatches(g, url))) return [];
      const host = url?.host || '(unparseable URL)';
      return [
        {
          setting: 'url',
          object: String(h.id),
          expected: params.allowed_hosts,
          actual: host,
          message: `Webhook ${h.id} of ${of.owner} sends to ${host}, which is not in the allowed hosts`,
        },
      ];
    });
  },
  fix: (f) =>
    f.fixData?.masked_host
      ? {
          manual:
            `Webhook ${f.object}'s host is masked by URL variables, whose values GitLab does not return: open the hook in ` +
            'GitLab, check where it sends, and delete it there if the host is not allowed (docs/gitlab-behaviour.md, Webhooks).',
        }
      : {
          method: 'DELETE',
          path: hookPath(f),
          destructive: true,
          unrecoverable: "the hook's secret token cannot be read back",
        },
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [sslVerification, allowedHosts] as const;

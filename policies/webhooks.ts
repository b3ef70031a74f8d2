// Project and group webhooks (gitlab-api.md §3.7; group hooks are Premium). Messages, expected and actual name
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

function hostOf(raw: string): string {
  return parseUrl(raw)?.host || '(unparseable URL)';
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
      if (parseUrl(h.url)?.protocol === 'http:') {
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
          // PUT requires `url`; sending the same URL keeps the hook's secret token (quirk 5).
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
            'changing the URL drops the secret token, so set it again in the same request (gitlab-api.md §3.7).',
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
      const url = parseUrl(h.url);
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
  fix: (f) => ({
    method: 'DELETE',
    path: hookPath(f),
    destructive: true,
    unrecoverable: "the hook's secret token cannot be read back",
  }),
});

/** This file's rules, in catalog order (policies/catalog.ts gathers every area's list). */
export const rules = [sslVerification, allowedHosts] as const;

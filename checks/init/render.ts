// Live state + chosen profile -> the text of a commented baseline.yaml (`gitlab-posture init`). Pure: the CLI
// collects and evaluates, this only writes text, so the same findings always give the same file (apart from
// the dates passed in). The text must load with checks/baseline (the init test round-trips it).
import { stringify } from 'yaml';
import type { Finding, SkippedEntry } from '../../model/result';
import type { GitlabInfo } from '../../model/snapshot';
import type { ProfileName } from '../../model/baseline';
import { loadProfile } from '../baseline/load';
import { AREAS } from '../../policies/params';
import { RULE_IDS } from '../../policies/rule-ids';

export const INIT_WAIVER_REASON = 'existing exception, review';
/** How long an adopted exception lasts before someone has to look at it again. */
export const INIT_WAIVER_DAYS = 30;

export interface InitInput {
  /** GitLab URL to write as gitlab.url (credentials in it are dropped). */
  url: string;
  group: string;
  profile: ProfileName;
  /** What was detected; absent for the in-memory skeleton used to collect. */
  gitlab?: Pick<GitlabInfo, 'tier' | 'tierSource' | 'version'>;
  /** Unwaived findings of the live group under this profile. */
  findings?: readonly Finding[];
  skipped?: readonly SkippedEntry[];
  /** One waiver per (rule, target) of `findings`; otherwise they are listed as a comment. */
  waiveExisting?: boolean;
  /** The day the file is written (UTC): header date and waiver expiry base. */
  today: Date;
}

/**
 * One waiver per rule + exact target + the finding's object or branch, with every finding it covers (a reviewer
 * reads what is accepted). Naming the object keeps a *new* weak hook, variable or branch reported.
 */
export interface InitWaiver {
  rule: string;
  target: string;
  object?: string;
  branch?: string;
  kind: string;
  messages: string[];
}

const TIER_SOURCE: Record<GitlabInfo['tierSource'], string> = {
  baseline: 'from the baseline',
  license: 'from /license',
  namespace: "from the group's plan",
  group: "from the group's licence-gated settings",
  build: 'from the build alone: rules above Free are skipped until you pin the tier',
};

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}

/** Findings grouped per target (sorted by path), then rule in catalog order. */
export function waiversFor(findings: readonly Finding[]): InitWaiver[] {
  const byKey = new Map<string, InitWaiver>();
  for (const f of findings) {
    const key = [f.rule, f.target.path, f.object ?? '', f.branch ?? ''].join('\u0000');
    let w = byKey.get(key);
    if (!w) {
      w = {
        rule: f.rule,
        target: f.target.path,
        ...(f.object !== undefined ? { object: f.object } : {}),
        ...(f.branch !== undefined ? { branch: f.branch } : {}),
        kind: f.target.kind,
        messages: [],
      };
      byKey.set(key, w);
    }
    const message = oneLine(f.message);
    if (!w.messages.includes(message)) w.messages.push(message);
  }
  const order = (id: string) => {
    const i = (RULE_IDS as readonly string[]).indexOf(id);
    return i < 0 ? RULE_IDS.length : i;
  };
  const list = [...byKey.values()];
  for (const w of list) w.messages.sort(compare);
  return list.sort(
    (a, b) =>
      compare(a.target.toLowerCase(), b.target.toLowerCase()) ||
      order(a.rule) - order(b.rule) ||
      compare(a.rule, b.rule) ||
      compare(a.object ?? '', b.object ?? '') ||
      compare(a.branch ?? '', b.branch ?? ''),
  );
}

export function renderInitBaseline(input: InitInput): string {
  const findings = (input.findings ?? []).filter((f) => !f.waived);
  const waivers = waiversFor(findings);
  const expires = isoDay(addDays(input.today, INIT_WAIVER_DAYS));
  const out: string[] = [];
  out.push(
    `# gitlab-posture baseline for ${input.group}, written by \`gitlab-posture init\` on ${isoDay(input.today)}.`,
    '# Review it, commit it, and run `gitlab-posture check` (CI: `gitlab-posture gate` keeps it from weakening).',
    '# Reference for every key: docs/baseline.md; the rules: `gitlab-posture rules` or docs/rules.md.',
    '',
    'gitlab:',
    `  url: ${scalar(safeUrl(input.url))}   # --url and GITLAB_URL override it; the token only comes from GITLAB_TOKEN`,
  );
  if (input.gitlab) {
    out.push(
      `  # tier: ${input.gitlab.tier}   # detected (${TIER_SOURCE[input.gitlab.tierSource]}, GitLab ${input.gitlab.version}); pin it if detection is wrong`,
    );
  } else {
    out.push('  # tier: free | premium | ultimate   # detected when absent; pin it if detection is wrong');
  }
  out.push(
    '',
    'targets:',
    `  groups: [${scalar(input.group)}]   # all subgroups and their projects are included`,
    '  projects: []   # extra single projects by full path',
    '  exclude: []    # globs on full paths, e.g. "acme/sandbox/**"',
    '',
    `profile: ${input.profile}   # built-in: baseline | hardened`,
    '',
    ...settingsExamples(input.profile),
    '',
  );

  if (input.waiveExisting && waivers.length > 0) {
    out.push(
      `# Existing violations, waived so adoption starts green. Each one expires on ${expires}: fix it`,
      '# (`gitlab-posture revert`), or renew it with a real reason.',
      'waivers:',
    );
    let lastTarget: string | undefined;
    for (const w of waivers) {
      if (w.target !== lastTarget) {
        out.push(`  # --- ${w.target} (${w.kind})`);
        lastTarget = w.target;
      }
      for (const m of w.messages) out.push(`  #   ${m}`);
      out.push(
        `  - rule: ${w.rule}`,
        `    target: ${scalar(w.target)}`,
        ...(w.object !== undefined ? [`    object: ${scalar(w.object)}`] : []),
        ...(w.branch !== undefined ? [`    branch: ${scalar(w.branch)}`] : []),
        `    reason: ${scalar(INIT_WAIVER_REASON)}`,
        `    expires: ${scalar(expires)}`,
      );
    }
  } else {
    out.push('waivers: []');
    if (waivers.length > 0) {
      out.push(
        '',
        `# Current violations (${findings.length} finding${findings.length === 1 ? '' : 's'}; --waive-existing would write ${waivers.length} waiver${waivers.length === 1 ? '' : 's'}):`,
        '# `gitlab-posture check` reports these. Fix them (`gitlab-posture revert`), or run init again with',
        '# --waive-existing to accept them for 30 days.',
      );
      let lastTarget: string | undefined;
      for (const w of waivers) {
        if (w.target !== lastTarget) {
          out.push(`#   ${w.target} (${w.kind})`);
          lastTarget = w.target;
        }
        for (const m of w.messages) out.push(`#     ${w.rule}: ${m}`);
      }
    } else if (input.findings) {
      out.push('', '# No current violations under this profile.');
    }
  }

  const skipped = skippedSummary(input.skipped ?? []);
  if (skipped.length > 0) out.push('', '# Not judged on this instance (shown as skipped by check):', ...skipped);
  return out.join('\n') + '\n';
}

/** The profile's values as commented examples: uncommenting one line overrides it. */
function settingsExamples(profile: ProfileName): string[] {
  const settings = loadProfile(profile).settings as Record<string, unknown>;
  const lines = [
    `# settings:   # per-area overrides of the "${profile}" profile; the values shown are the profile's own`,
  ];
  for (const area of AREAS) {
    if (settings[area] === undefined) continue;
    const flow = stringify({ [area]: settings[area] }, { collectionStyle: 'flow', lineWidth: 0 }).trim();
    // `{ area: {...} }` -> `area: {...}` so the line pastes under `settings:`.
    lines.push(`#   ${flow.replace(/^\{\s*/, '').replace(/\s*\}$/, '')}`);
  }
  lines.push('#   (webhooks.allowed_hosts, e.g. ["hooks.example.com"], turns on webhooks.allowed-hosts)');
  return lines;
}

function skippedSummary(skipped: readonly SkippedEntry[]): string[] {
  const counts = new Map<string, number>();
  for (const s of skipped) {
    const key = `${s.rule}: ${oneLine(s.reason)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => compare(a, b)).map(([k, n]) => `#   ${k} (${n} target${n === 1 ? '' : 's'})`);
}

/** Never write credentials that came in a URL (https://user:token@host) into a file meant for review. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** A YAML scalar: plain when it is unambiguous text, else double-quoted (JSON strings are valid YAML). */
function scalar(s: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(s) && !/^(true|false|yes|no|on|off|null|~|\d[\d.-]*)$/i.test(s) ? s : JSON.stringify(s);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

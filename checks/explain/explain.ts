// `explain`: attach to each finding the newest audit event that changed its setting, or say plainly why no
// event can be named. Audit events are read once per target that has a finding an event could explain.
import { toReadError } from '../../gitlab/errors';
import type { GlAuditEvent, Tier } from '../../gitlab/types';
import type { Finding } from '../../model/result';
import type { TargetRef } from '../../model/target';
import { explanationOf, findEvent } from './match';
import { comparePrevious, type PreviousState } from './previous';
import type { AuditReader } from './read';
import { sourceOf, type AuditSource } from './sources';

export interface ExplainOptions {
  now: Date;
  /** The window, in milliseconds, and as the user wrote it ("30d") for messages. */
  sinceMs: number;
  sinceText: string;
  tier: Tier;
  /** The tier of one target's namespace where tiers are per namespace (model/tiers.ts); undefined: not known. */
  tierOf?: (target: TargetRef) => Tier | undefined;
  isAdmin: boolean;
  previous?: PreviousState;
}

type TargetEvents = { ok: true; events: GlAuditEvent[] } | { ok: false; why: string };

const key = (t: TargetRef) => `${t.kind}:${t.id}`;

/** Returns new findings with `explanation` set on each (the input is not changed). */
export async function explainFindings(findings: readonly Finding[], reader: AuditReader, opts: ExplainOptions): Promise<Finding[]> {
  const createdAfter = new Date(opts.now.getTime() - opts.sinceMs).toISOString();
  const blockedOn = (t: TargetRef) => auditBlocked(opts.tierOf ? opts.tierOf(t) : opts.tier);

  // Which event names each target needs: one read per target, only for targets with an explainable finding.
  const wanted = new Map<string, { target: TargetRef; names: Set<string> }>();
  for (const f of findings) {
    const source = sourceOf(f.rule);
    if ('unavailable' in source || blockedOn(f.target)) continue;
    if (f.target.kind === 'instance' && !opts.isAdmin) continue;
    const entry = wanted.get(key(f.target)) ?? { target: f.target, names: new Set<string>() };
    for (const n of source.events) entry.names.add(n);
    wanted.set(key(f.target), entry);
  }
  const read = new Map<string, TargetEvents>();
  await Promise.all(
    [...wanted.entries()].map(async ([k, { target, names }]) => {
      try {
        read.set(k, { ok: true, events: await reader.events(target, createdAfter, names) });
      } catch (err) {
        read.set(k, { ok: false, why: `its audit events could not be read: ${toReadError(err).message}` });
      }
    }),
  );

  return Promise.all(
    findings.map(async (f): Promise<Finding> => {
      const source = sourceOf(f.rule);
      const why = (text: string): Finding => ({ ...f, explanation: { unavailable: withPrevious(text, f, opts.previous) } });
      const blocked = blockedOn(f.target);
      if (blocked) return why(blocked);
      if ('unavailable' in source) return why(source.unavailable);
      if (f.target.kind === 'instance' && !opts.isAdmin) return why('instance audit events need an administrator token');
      const events = read.get(key(f.target));
      if (!events) return why('its audit events were not read');
      if (!events.ok) return why(events.why);
      const event = findEvent(f, source, events.events);
      if (!event) return why(noEvent(f, source, opts.sinceText));
      const author = await reader.username(event.author_id, event.details.author_name);
      return { ...f, explanation: explanationOf(f, source, event, author) };
    }),
  );
}

/** The audit events API is Premium: below it (and on CE) no event can be read at all (docs/gitlab-behaviour.md). */
function auditBlocked(tier: Tier | undefined): string | undefined {
  return tier === 'free' ? 'GitLab Free has no audit events API (Premium and above; see docs/gitlab-behaviour.md)' : undefined;
}

function noEvent(f: Finding, source: AuditSource, since: string): string {
  const what = f.branch ? ` of branch ${f.branch}` : f.object ? ` of ${f.object}` : '';
  const window = /^\d{4}-\d{2}-\d{2}/.test(since) ? `since ${since}` : `in the last ${since}`;
  const text = `no audit event ${window} changed ${f.setting}${what} on ${f.target.path} (looked for ${source.events.join(', ')})`;
  return source.unauditedPaths ? `${text}; ${source.unauditedPaths}, so it may have been changed there` : text;
}

function withPrevious(text: string, f: Finding, prev: PreviousState | undefined): string {
  return prev ? `${text}; ${comparePrevious(f, prev)}` : text;
}


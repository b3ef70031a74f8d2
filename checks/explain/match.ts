// Pure: which audit event explains a finding, and what the explanation says. The events come in already
// read (checks/explain/read.ts); no client, no clock here.
import type { GlAuditEvent } from '../../gitlab/types';
import type { Explanation, Finding } from '../../model/result';
import type { AuditSource } from './sources';
import { negated, settingValue, type ValueKind } from './values';

export function eventNameOf(e: GlAuditEvent): string {
  return e.event_name ?? e.details.event_name ?? '';
}

/** Does the event name the finding's object (branch, hook, variable, approval rule) — or its entity? */
function sameObject(f: Finding, source: AuditSource, e: GlAuditEvent): boolean {
  const d = e.details;
  switch (source.match) {
    case 'entity':
      return true;
    case 'branch':
      return f.branch !== undefined && d.target_details === f.branch;
    case 'hook':
      return f.object !== undefined && (d.target_details === `Hook ${f.object}` || String(d.target_id) === f.object);
    case 'variable':
      return f.object !== undefined && d.target_details === f.object;
    case 'approval-rule': {
      const id = /^approval rule (\d+)$/.exec(f.object ?? '')?.[1];
      return id !== undefined && String(d.target_id) === id;
    }
  }
}

function sameChange(f: Finding, source: AuditSource, e: GlAuditEvent): boolean {
  const change = typeof e.details.change === 'string' ? e.details.change.trim().toLowerCase() : undefined;
  if (source.changeIsSetting) return change === f.setting;
  if (change === undefined) return true;
  const wanted = source.settingChanges?.[f.setting] ?? source.changes;
  return wanted ? wanted.includes(change) : true;
}

/** The newest event that changed this finding's setting on this object, if any. */
export function findEvent(f: Finding, source: AuditSource, events: readonly GlAuditEvent[]): GlAuditEvent | undefined {
  let best: GlAuditEvent | undefined;
  for (const e of events) {
    if (!source.events.includes(eventNameOf(e))) continue;
    if (!sameObject(f, source, e) || !sameChange(f, source, e)) continue;
    if (!best || newer(e, best)) best = e;
  }
  return best;
}

function newer(a: GlAuditEvent, b: GlAuditEvent): boolean {
  const ta = Date.parse(a.created_at);
  const tb = Date.parse(b.created_at);
  return ta !== tb ? ta > tb : a.id > b.id;
}

/** The setting's type: declared by the source, else the type the finding states its values in. */
function kindOf(f: Finding, source: AuditSource): ValueKind | undefined {
  if (source.value) return source.value;
  const sample = typeof f.expected === 'boolean' || typeof f.expected === 'number' ? f.expected : f.actual;
  return typeof sample === 'boolean' ? 'boolean' : typeof sample === 'number' ? 'integer' : undefined;
}

export function explanationOf(f: Finding, source: AuditSource, e: GlAuditEvent, author: string): Explanation {
  const name = eventNameOf(e);
  const d = e.details;
  let from: unknown;
  let to: unknown;
  let note: string | undefined;
  if (d.change !== undefined && ('from' in d || 'to' in d)) {
    // In the setting's own terms: typed (the REST API sends strings) and un-inverted.
    const kind = kindOf(f, source);
    from = settingValue(d.from, kind);
    to = settingValue(d.to, kind);
    if (source.inverted) [from, to] = [negated(from), negated(to)];
    note = source.note;
  } else if (source.implied?.[name]) {
    ({ from, to } = source.implied[name]);
    note = source.note;
  } else if (source.creations?.includes(name)) {
    // A creation: the object did not exist before; with edits audited, its value now is the value it got then.
    from = null;
    to = f.actual;
    note = source.creationNote;
  } else {
    from = null;
    to = null;
  }
  return {
    event_id: e.id,
    author,
    at: e.created_at,
    ip: d.ip_address ?? null,
    event_name: name,
    from,
    to,
    ...(note ? { note } : {}),
  };
}

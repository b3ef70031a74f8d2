// Pure: which audit event explains a finding, and what the explanation says. The events come in already
// read (checks/explain/read.ts); no client, no clock here.
import type { GlAuditEvent } from '../../gitlab/types';
import type { Explanation, Finding } from '../model';
import type { AuditSource } from './sources';

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
  const change = e.details.change;
  if (source.changeIsSetting) return change === f.setting;
  if (source.changes && change !== undefined) return source.changes.includes(change);
  return true;
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

function invert(v: unknown): unknown {
  return typeof v === 'boolean' ? !v : v;
}

export function explanationOf(f: Finding, source: AuditSource, e: GlAuditEvent, author: string): Explanation {
  const name = eventNameOf(e);
  const d = e.details;
  let from: unknown;
  let to: unknown;
  let note: string | undefined;
  if (d.change !== undefined && ('from' in d || 'to' in d)) {
    from = source.inverted ? invert(d.from) : d.from;
    to = source.inverted ? invert(d.to) : d.to;
  } else if (source.implied?.[name]) {
    ({ from, to } = source.implied[name]);
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

// detect's reports: json (the contract shape), table (terminal), markdown (MR comments), sarif (code scanning).
// Event fields are written by whoever acted in GitLab, the attacker included: every text format escapes them.
import Table from 'cli-table3';
import type * as Sarif from 'sarif';
import { INFORMATION_URI, TOOL_NAME } from '../../model/tool';
import { markdownSafe as mdCell, terminalSafe } from '../../lib/safe-text';
import { levelRank, type CompiledRule, type SigmaLevel } from '../engine';
import type { DetectMatch, DetectResult } from '../model';

import type { DetectFormat } from './formats';

export type { DetectFormat } from './formats';

export interface DetectReportContext {
  /** Every loaded rule (SARIF lists them as descriptors). */
  rules: readonly CompiledRule[];
  toolVersion?: string;
  generatedAt?: string;
}

export function renderDetect(format: DetectFormat, result: DetectResult, ctx: DetectReportContext): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
    case 'table':
      return renderTable(result);
    case 'markdown':
      return renderMarkdown(result);
    case 'sarif':
      return `${JSON.stringify(toSarif(result, ctx), null, 2)}\n`;
  }
}

/** Most severe first, then newest event. */
export function sortedMatches(matches: readonly DetectMatch[]): DetectMatch[] {
  return [...matches].sort((a, b) => levelRank(b.rule.level) - levelRank(a.rule.level) || b.event.id - a.event.id || a.rule.file.localeCompare(b.rule.file));
}

export function summaryLine(result: DetectResult): string {
  const s = result.summary;
  const base = `${s.events} events since ${result.since}, ${s.rules} rules, ${s.matches} ${s.matches === 1 ? 'match' : 'matches'}`;
  return s.unreadable.length === 0 && !result.errors.some((e) => e.scope === 'rules') ? `${base} — complete` : `${base} — INCOMPLETE${s.unreadable.length ? `: unreadable ${s.unreadable.join(', ')}` : ''}`;
}

const md = (text: string): string => mdCell(terminalSafe(text));

function eventText(m: DetectMatch): string {
  return `${m.event.event_name ?? '(unnamed)'} #${m.event.id}${m.event.target_details ? ` (${m.event.target_details})` : ''}`;
}

function where(m: DetectMatch): string {
  return `${m.event.scope} ${m.event.entity_path ?? `#${m.event.entity_id}`}`;
}

function renderTable(result: DetectResult): string {
  const out: string[] = [];
  if (result.matches.length > 0) {
    const table = new Table({ head: ['Level', 'Rule', 'Event', 'Where', 'Author', 'IP', 'When'], style: { head: [], border: [] } });
    for (const m of sortedMatches(result.matches)) {
      table.push([
        m.rule.level,
        terminalSafe(m.rule.title),
        terminalSafe(eventText(m)),
        terminalSafe(where(m)),
        terminalSafe(m.event.author ?? '?'),
        terminalSafe(m.event.ip_address ?? ''),
        terminalSafe(m.event.created_at),
      ]);
    }
    out.push(table.toString());
  } else out.push('No detection matched.');
  for (const e of result.errors) out.push(terminalSafe(errorLine(e)));
  out.push(summaryLine(result));
  return `${out.join('\n')}\n`;
}

function errorLine(e: DetectResult['errors'][number]): string {
  if (e.scope === 'rules') return `error: rule file ${e.file}: ${e.message}`;
  if (e.scope === 'instance') return `unreadable: instance audit events (need an administrator token; not counted as a failure): ${e.message}`;
  return `error: ${e.scope} ${e.path} audit events could not be read: ${e.message}`;
}

function renderMarkdown(result: DetectResult): string {
  const out: string[] = ['## gitlab-posture detect', '', summaryLine(result), ''];
  if (result.matches.length > 0) {
    out.push('| Level | Rule | Event | Where | Author | IP | When |', '|---|---|---|---|---|---|---|');
    for (const m of sortedMatches(result.matches)) {
      out.push(
        `| ${m.rule.level} | ${md(m.rule.title)} | ${md(eventText(m))} | ${md(where(m))} | ${md(m.event.author ?? '?')} | ${md(m.event.ip_address ?? '')} | ${m.event.created_at} |`,
      );
    }
    out.push('');
  } else out.push('No detection matched.', '');
  if (result.errors.length > 0) {
    out.push('### Errors', '');
    for (const e of result.errors) out.push(`- ${md(errorLine(e))}`);
    out.push('');
  }
  return out.join('\n');
}

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

function sarifLevel(level: SigmaLevel): Sarif.Result.level {
  return level === 'high' || level === 'critical' ? 'error' : level === 'medium' ? 'warning' : 'note';
}

export function toSarif(result: DetectResult, ctx: DetectReportContext): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = [...ctx.rules]
    .sort((a, b) => a.file.localeCompare(b.file))
    .map((r) => ({
      id: r.id,
      name: r.title,
      shortDescription: { text: r.title },
      ...(r.description ? { fullDescription: { text: r.description } } : {}),
      defaultConfiguration: { level: sarifLevel(r.level) },
      properties: { tags: r.tags, level: r.level, file: r.file },
    }));
  const indexOf = new Map(rules.map((r, i) => [r.id, i]));
  const results: Sarif.Result[] = sortedMatches(result.matches).map((m) => ({
    ruleId: m.rule.id,
    ruleIndex: indexOf.get(m.rule.id) ?? -1,
    level: sarifLevel(m.rule.level),
    message: {
      text: `${m.rule.title}: ${m.event.event_name ?? 'event'} #${m.event.id} on ${where(m)} by ${m.event.author ?? 'unknown'}${m.event.ip_address ? ` from ${m.event.ip_address}` : ''} at ${m.event.created_at}`,
    },
    locations: [{ logicalLocations: [{ name: m.event.entity_path ?? String(m.event.entity_id), kind: m.event.scope }] }],
    partialFingerprints: { auditEvent: `${m.rule.id}:${m.event.id}` },
    properties: { event: m.event },
  }));
  const notifications: Sarif.Notification[] = result.errors.map((e) => ({
    level: e.scope === 'instance' ? 'warning' : 'error',
    message: { text: errorLine(e) },
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: TOOL_NAME, ...(ctx.toolVersion ? { version: ctx.toolVersion } : {}), informationUri: INFORMATION_URI, rules } },
        invocations: [{ executionSuccessful: result.summary.complete, toolExecutionNotifications: notifications, ...(ctx.generatedAt ? { endTimeUtc: ctx.generatedAt } : {}) }],
        results,
        properties: { since: result.since, summary: { ...result.summary } },
      },
    ],
  };
}

// What `detect` reports (`detect --format json`: a contract, extend, never rename). Matches name the rule and the event; errors name
// the scope that could not be read (or the rule file that could not be loaded).
import type { SigmaLevel } from './engine';

export type EventScopeKind = 'instance' | 'group' | 'project';

/** Where audit events are read from: `/audit_events`, `/groups/:id/audit_events`, `/projects/:id/audit_events`. */
export interface EventScope {
  kind: EventScopeKind;
  id: number;
  /** Full path; `(instance)` for the instance. */
  path: string;
}

export interface DetectMatch {
  rule: { id: string; title: string; level: SigmaLevel; file: string };
  event: {
    id: number;
    /** The event's own level, from its entity_type: instance, group, project or user. */
    scope: 'instance' | 'group' | 'project' | 'user';
    entity_type: string;
    entity_id: number;
    entity_path: string | null;
    /** GitLab username (GET /users/:id), or details.author_name when the user is gone. */
    author: string | null;
    event_name: string | null;
    created_at: string;
    ip_address: string | null;
    target_details: string | null;
  };
}

export interface DetectError {
  scope: EventScopeKind | 'rules';
  /** The unreadable group/project (full path); absent for instance and rules. */
  path?: string;
  /** The rule file that failed to load. */
  file?: string;
  message: string;
}

export interface DetectResult {
  schemaVersion: 1;
  gitlab: { url: string | null };
  /** Events created at or after this time were read. */
  since: string;
  summary: {
    events: number;
    rules: number;
    matches: number;
    /** `instance`, `group:<path>`, `project:<path>` for scopes whose events could not be read. */
    unreadable: string[];
    complete: boolean;
  };
  matches: DetectMatch[];
  errors: DetectError[];
}

/** `group:acme/web`-style label used in summary.unreadable (`instance` alone for the instance). */
export function scopeLabel(scope: Pick<EventScope, 'kind' | 'path'>): string {
  return scope.kind === 'instance' ? 'instance' : `${scope.kind}:${scope.path}`;
}

// Targets, severities and reads: the vocabulary shared by gitlab/ (errors), policies/ (rules) and checks/.
// Neutral: imports nothing of ours but GitLab's entity types.
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

export type TargetKind = 'instance' | 'group' | 'project';

export interface TargetRef {
  kind: TargetKind;
  path: string;
  id: number;
}

/** Why a read failed, in the client's error vocabulary (gitlab/errors.ts). */
export type ReadErrorKind =
  | 'not_found'
  | 'forbidden'
  | 'unauthorized'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'bad_response';

export interface ReadError {
  kind: ReadErrorKind;
  /** e.g. "GET /projects/12/hooks -> 403: token role is Developer, hooks need Maintainer. Use …" */
  message: string;
  status?: number;
  method?: string;
  path?: string;
}

/**
 * One read of one area of one target. `undefined` in a state means "not collected" (area not enabled);
 * a failed read is kept as an error so the evaluator can never mistake it for a compliant value.
 */
export type Read<T> = { ok: true; value: T } | { ok: false; error: ReadError };

export const INSTANCE_TARGET: TargetRef = { kind: 'instance', path: '(instance)', id: 0 };

export function groupRef(g: { id: number; full_path: string }): TargetRef {
  return { kind: 'group', path: g.full_path, id: g.id };
}

export function projectRef(p: { id: number; path_with_namespace: string }): TargetRef {
  return { kind: 'project', path: p.path_with_namespace, id: p.id };
}

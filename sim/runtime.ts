// Per-server settings that handlers need but that are not GitLab state (so they stay out of saved state files).
import type { SimState } from './state';
import { OFFSET_PAGINATION_LIMIT } from './pagination';

export interface SimRuntime {
  /** `offset_pagination_limit` (docs/gitlab-behaviour.md, Pagination, errors and authentication); 0 disables. */
  offsetPaginationLimit: number;
  /** GitLab.com-like: `/namespaces/:id` shows the group's plan instead of `default` (docs/gitlab-behaviour.md, Tier detection and packaging). */
  saas: boolean;
}

const runtimes = new WeakMap<SimState, SimRuntime>();

export function runtimeOf(state: SimState): SimRuntime {
  return runtimes.get(state) ?? { offsetPaginationLimit: OFFSET_PAGINATION_LIMIT, saas: false };
}

export function setRuntime(state: SimState, runtime: SimRuntime): void {
  runtimes.set(state, runtime);
}

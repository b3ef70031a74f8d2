// Per-server settings that handlers need but that are not GitLab state (so they stay out of saved state files).
import type { SimState } from './state';
import { OFFSET_PAGINATION_LIMIT } from './pagination';

export interface SimRuntime {
  /** `offset_pagination_limit` (gitlab-api.md §1.5); 0 disables. */
  offsetPaginationLimit: number;
  /** GitLab.com-like: `/namespaces/:id` shows the group's plan instead of `default` (gitlab-api.md §2). */
  saas: boolean;
}

const runtimes = new WeakMap<SimState, SimRuntime>();

export function runtimeOf(state: SimState): SimRuntime {
  return runtimes.get(state) ?? { offsetPaginationLimit: OFFSET_PAGINATION_LIMIT, saas: false };
}

export function setRuntime(state: SimState, runtime: SimRuntime): void {
  runtimes.set(state, runtime);
}

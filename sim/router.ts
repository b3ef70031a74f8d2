// Route matching on the raw path (docs/gitlab-behaviour.md, Pagination, errors and authentication): split on `/` first, then decode each segment, so
// `acme%2Fweb` is one `:id` and an un-encoded slash simply matches no route.
import type { Route } from './kit';

interface Compiled {
  route: Route;
  segments: { literal?: string; param?: string }[];
  literals: number;
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly byKey = new Map<string, Compiled[]>();

  constructor(routes: readonly Route[]) {
    for (const route of routes) {
      const segments = route.pattern
        .split('/')
        .slice(1)
        .map((s) => (s.startsWith(':') ? { param: s.slice(1) } : { literal: s }));
      const key = `${route.method} ${segments.length}`;
      const list = this.byKey.get(key) ?? [];
      list.push({ route, segments, literals: segments.filter((s) => s.literal !== undefined).length });
      // Most literal segments first, so `/groups/:id/projects` wins over a bare parameter route.
      list.sort((a, b) => b.literals - a.literals);
      this.byKey.set(key, list);
    }
  }

  /** `rawPath` is the path under /api/v4, still percent-encoded. */
  match(method: string, rawPath: string): Match | undefined {
    const raw = rawPath.split('/').slice(1);
    for (const c of this.byKey.get(`${method} ${raw.length}`) ?? []) {
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < raw.length && ok; i += 1) {
        const seg = c.segments[i];
        if (seg.literal !== undefined) ok = raw[i] === seg.literal;
        else {
          let decoded: string;
          try {
            decoded = decodeURIComponent(raw[i]);
          } catch {
            ok = false;
            break;
          }
          ok = decoded.length > 0;
          params[seg.param!] = decoded;
        }
      }
      if (ok) return { route: c.route, params };
    }
    return undefined;
  }
}

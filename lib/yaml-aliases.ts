// YAML aliases (*a) repeat an anchored node: nested a few levels ("billion laughs") a short file expands to
// billions of nodes. The `yaml` package stops at maxAliasCount with a bare ReferenceError; this turns that into a
// located error: the line of the alias where the expansion passes the limit, so a baseline or rule file from an
// MR is refused like any other mistake ("file:line: too many aliases").
import { isAlias, isCollection, isPair, visit, type Document, type Node } from 'yaml';

/** The `yaml` package's own default: more alias resolutions than this in one document is refused. */
export const MAX_ALIAS_COUNT = 100;
/** Nodes an alias may expand to in total before its line is named (a generous document is far below). */
const EXPANSION_LIMIT = 10_000;

export class YamlAliasError extends Error {
  override name = 'YamlAliasError';
  constructor(readonly line: number | undefined) {
    super('too many aliases');
  }
}

/** `doc.toJS()` with the alias limit; a bomb throws YamlAliasError with the line where it goes off. */
export function toJsBounded(doc: Document, source: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) throw new YamlAliasError(aliasLine(doc, source));
    throw err;
  }
}

/** The line of the first alias (document order) at which the total expansion passes the limit, else the last alias. */
function aliasLine(doc: Document, source: string): number | undefined {
  const sizes = new Map<unknown, number>();
  const busy = new Set<unknown>();
  const size = (node: unknown): number => {
    if (isAlias(node)) node = node.resolve(doc);
    if (node === null || node === undefined) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (busy.has(node)) return 1;
    busy.add(node);
    let n = 1;
    if (isCollection(node)) for (const item of node.items) n += isPair(item) ? size(item.key) + size(item.value) : size(item);
    busy.delete(node);
    sizes.set(node, n);
    return n;
  };
  let total = 0;
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      total += size(node);
      offset = (node as Node).range?.[0];
      if (total > EXPANSION_LIMIT) return visit.BREAK;
      return undefined;
    },
  });
  if (offset === undefined) return undefined;
  return source.slice(0, offset).split('\n').length;
}

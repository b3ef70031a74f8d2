// `check --shard I/N`: a deterministic slice of the targets, so N CI jobs (GitLab `parallel: N`) split one
// instance between them and `merge` puts the reports back together. The slice depends on the target's id
// alone (FNV-1a of the decimal id), never on listing order, so every shard agrees without talking to the others.
import type { TargetRef } from '../../model/target';

export interface Shard {
  /** 1-based, as GitLab's CI_NODE_INDEX. */
  index: number;
  total: number;
}

export class ShardError extends Error {
  override name = 'ShardError';
}

/** "2/4" -> {index: 2, total: 4}; anything else is a clear error naming the flag and the expected form. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const example = 'Example: --shard 2/4 (or --shard $CI_NODE_INDEX/$CI_NODE_TOTAL in a job with parallel: 4)';
  if (!m) throw new ShardError(`--shard "${text}": expected INDEX/TOTAL with whole numbers. ${example}`);
  const index = Number(m[1]);
  const total = Number(m[2]);
  if (total < 1) throw new ShardError(`--shard "${text}": TOTAL must be >= 1. ${example}`);
  if (index < 1 || index > total) throw new ShardError(`--shard "${text}": INDEX must be between 1 and ${total}. ${example}`);
  return { index, total };
}

/** FNV-1a (32 bit) over the decimal id: stable across machines, Node versions and runs. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The 1-based shard a group or project id belongs to. */
export function shardOfId(id: number, total: number): number {
  return (fnv1a(String(id)) % total) + 1;
}

/** Instance settings are one target: shard 1 reads them, the others never do. */
export function inShard(target: Pick<TargetRef, 'kind' | 'id'>, shard: Shard | undefined): boolean {
  if (!shard || shard.total === 1) return true;
  if (target.kind === 'instance') return shard.index === 1;
  return shardOfId(target.id, shard.total) === shard.index;
}

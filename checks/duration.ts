// Durations as users type them (`30m`, `12h`, `7d`, `2w`): --since of explain/detect, --full-every of check.
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** Milliseconds, or undefined for anything that is not a positive number and a unit m, h, d or w. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)\s*([mhdw])$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n > 0 ? n * UNIT_MS[m[2]!.toLowerCase()]! : undefined;
}

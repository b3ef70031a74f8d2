// Load and save SimState as JSON (`npm run sim -- --state FILE`), rejecting files that are not sim state.
import { readFile, writeFile } from 'node:fs/promises';
import type { SimState } from './state';

const ARRAY_KEYS = ['users', 'tokens', 'groups', 'projects', 'audit_events'] as const;

export class SimStateError extends Error {}

/** Check the top-level shape; `file` names the source in messages. */
export function validateState(value: unknown, file: string): SimState {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new SimStateError(`${file}: expected a JSON object with the sim state, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const v = value as Record<string, unknown>;
  const fail = (key: string, expected: string) =>
    new SimStateError(`${file}: ${key}: expected ${expected}, got ${JSON.stringify(v[key]) ?? 'nothing'}. Save a state with --save and edit that.`);
  if (!['free', 'premium', 'ultimate'].includes(v.tier as string)) throw fail('tier', 'free | premium | ultimate');
  if (!['ee', 'ce'].includes(v.edition as string)) throw fail('edition', 'ee | ce');
  if (typeof v.version !== 'string') throw fail('version', 'a version string like "17.11.2-ee"');
  if (typeof v.revision !== 'string') throw fail('revision', 'a string');
  for (const key of ARRAY_KEYS) if (!Array.isArray(v[key])) throw fail(key, 'an array');
  if (!v.application_settings || typeof v.application_settings !== 'object') throw fail('application_settings', 'an object');
  if (typeof v.next_id !== 'number' || !Number.isInteger(v.next_id)) throw fail('next_id', 'an integer');
  return value as SimState;
}

export async function loadState(file: string): Promise<SimState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SimStateError(`${file}: cannot read the state file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new SimStateError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return validateState(parsed, file);
}

export async function saveState(file: string, state: SimState): Promise<void> {
  await writeFile(file, JSON.stringify(state), 'utf8');
}

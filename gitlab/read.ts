// Every read of the collector ends as a Read<T>: a value, or an error kept on its target. A failed read is
// never dropped, so the evaluator can never mistake it for a compliant value.
import { toReadError } from './errors';
import type { Read } from '../model/target';

export async function readOf<T>(fetch: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await fetch() };
  } catch (err) {
    return { ok: false, error: toReadError(err) };
  }
}

export function valueOf<T>(read: Read<T> | undefined): T | undefined {
  return read && read.ok ? read.value : undefined;
}

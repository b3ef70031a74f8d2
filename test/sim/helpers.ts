// Shared helpers for the sim suites: start a sim per suite and make raw requests against it.
import { startSim, type RunningSim, type SimOptions } from '../../sim';

export async function withSim(opts: SimOptions): Promise<RunningSim> {
  return startSim(opts);
}

export interface Raw {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export async function raw(sim: RunningSim, path: string, init: RequestInit & { token?: string; bearer?: boolean } = {}): Promise<Raw> {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set(init.bearer ? 'Authorization' : 'PRIVATE-TOKEN', init.bearer ? `Bearer ${init.token}` : init.token);
  const res = await fetch(`${sim.apiUrl}${path}`, { ...init, headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function putJson(sim: RunningSim, path: string, token: string, body: unknown): Promise<Raw> {
  return raw(sim, path, { method: 'PUT', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

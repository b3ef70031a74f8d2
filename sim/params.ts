// Rack/Grape nested parameter parsing (docs/gitlab-behaviour.md, Pagination, errors and authentication): `k[]=a`, `allowed_to_push[][access_level]=40`,
// `variables[0][key]=x`, `filter[environment_scope]=x`. Values stay strings; routes coerce them (kit parseBool).

type Nested = Record<string, unknown>;

/** Parse `application/x-www-form-urlencoded` text or a query string into nested objects, the way Rack does. */
export function parseNestedParams(search: URLSearchParams): Nested {
  const out: Nested = {};
  for (const [key, value] of search) normalize(out, key, value);
  return arraysFromIndexedHashes(out) as Nested;
}

// Rack::QueryParser#normalize_params, reduced to the shapes GitLab clients send.
function normalize(target: Nested, name: string, value: unknown): void {
  const m = /^([^[\]]+)(.*)$/.exec(name) ?? /^()(.*)$/.exec(name)!;
  const head = m[1] || name;
  const rest = m[1] ? m[2] : '';
  if (rest === '') {
    target[head] = value;
    return;
  }
  if (rest === '[]') {
    const arr = Array.isArray(target[head]) ? (target[head] as unknown[]) : [];
    arr.push(value);
    target[head] = arr;
    return;
  }
  const arrayOfHashes = /^\[\]\[([^[\]]+)\](.*)$/.exec(rest);
  if (arrayOfHashes) {
    const arr = Array.isArray(target[head]) ? (target[head] as Nested[]) : [];
    target[head] = arr;
    const childKey = `${arrayOfHashes[1]}${arrayOfHashes[2]}`;
    const last = arr[arr.length - 1];
    // Rack starts a new hash when the last one already has this key.
    if (last && typeof last === 'object' && !hasKeyPath(last, childKey)) normalize(last, childKey, value);
    else {
      const fresh: Nested = {};
      normalize(fresh, childKey, value);
      arr.push(fresh);
    }
    return;
  }
  const hash = /^\[([^[\]]*)\](.*)$/.exec(rest);
  if (hash) {
    const child = target[head] && typeof target[head] === 'object' && !Array.isArray(target[head]) ? (target[head] as Nested) : {};
    target[head] = child;
    normalize(child, `${hash[1]}${hash[2]}`, value);
    return;
  }
  target[name] = value;
}

function hasKeyPath(obj: Nested, childKey: string): boolean {
  const first = /^([^[\]]+)/.exec(childKey)?.[1] ?? childKey;
  return Object.prototype.hasOwnProperty.call(obj, first) && !/\[/.test(childKey);
}

// Grape coerces `{ "0": {...}, "1": {...} }` to an Array for Array-typed params; every such hash here is one.
function arraysFromIndexedHashes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(arraysFromIndexedHashes);
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Nested);
    if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) {
      return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, x]) => arraysFromIndexedHashes(x));
    }
    return Object.fromEntries(entries.map(([k, x]) => [k, arraysFromIndexedHashes(x)]));
  }
  return v;
}

// Ruby's `to_s` and `inspect` for the JSON-able values GitLab keeps in audit event details, so the simulator can
// render `details.from`/`details.to` exactly as `AuditEvents::CommonModel#formatted_details` does
// (`details.slice(:from, :to).transform_values(&:to_s)`): `true` -> "true", 8 -> "8", nil -> "",
// ["Maintainers"] -> "[\"Maintainers\"]" (Array#to_s is Array#inspect).

/** `value.to_s` in Ruby. */
export function rubyToS(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return rubyInspect(value);
}

/** `value.inspect` in Ruby (Hash in the pre-3.4 `{"k"=>v}` form that GitLab 17.x and 18.x run). */
export function rubyInspect(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return inspectString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(rubyInspect).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${inspectString(k)}=>${rubyInspect(v)}`).join(', ')}}`;
  }
  return String(value);
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\f': '\\f', '\v': '\\v', '\b': '\\b', '\x07': '\\a', '\x1b': '\\e' };

function inspectString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i]!;
    // Ruby escapes `#` before `{`, `$` and `@` so the text cannot read as interpolation.
    if (c === '#' && /[{$@]/.test(s[i + 1] ?? '')) out += '\\#';
    else if (ESCAPES[c]) out += ESCAPES[c];
    else if (c < ' ' || c === '\x7f') out += `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

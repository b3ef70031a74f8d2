// The one sanitizer for text that came from outside (GitLab values, journals, baselines, waiver reasons) on its
// way to a terminal or a report. A value must not drive the terminal (ESC, BEL, other C0/C1 controls), fake a
// line (CR, LF, CRLF, NEL, U+2028/2029: some viewers break lines on each) or become markup in a report.
// Every reporter, plan and log line goes through these functions; nothing else strips control characters.

// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const LINE_BREAK = /\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029]/g;

/** Composed multi-line text for a terminal: our own newlines stay, every other control character is replaced. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL_BUT_LF, '\ufffd');
}

/** One value on one line: every line-break form becomes a space, other controls are replaced. */
export function oneLine(text: string): string {
  return terminalSafe(text.replace(LINE_BREAK, ' ')).replace(/\n/g, ' ');
}

/**
 * JSON text (reports, watch lines) with the characters JSON.stringify leaves raw (DEL, C1, U+2028/2029) escaped as
 * \uXXXX: the same data, but nothing a terminal or a line-splitting reader acts on.
 */
export function jsonSafe(json: string): string {
  return json.replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Text for a Markdown report (MR comments, job summaries): one line, no HTML, no table breaks, no links, images
 * or autolinks, no @mentions. `inHtml`: inside a raw HTML element (<code>), where a backslash would show.
 */
export function markdownSafe(text: string, inHtml = false): string {
  const escaped = oneLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    // Link and image syntax ([t](u), ![t](u), [t][ref]) needs brackets: as character references they show as
    // typed and are never parsed.
    .replace(/[[\]]/g, (c) => `&#${c.charCodeAt(0)};`)
    // Bare URLs and www. hosts are autolinked by GitLab: a zero-width space after the scheme or "www" prevents it.
    .replace(/([a-z][a-z0-9+.-]*):(?=\/\/)/gi, '$1:\u200b')
    .replace(/\bwww\./gi, 'www\u200b.');
  // A backtick would open a code span, and "@name" would notify that user when the report is posted as a comment.
  return inHtml ? escaped : escaped.replace(/`/g, '\\`').replace(/@(?=[\w.-])/g, '@\u200b');
}

/** Text for HTML: escaped, controls replaced by U+FFFD (our own layout never passes through here). */
export function htmlSafe(value: unknown): string {
  return terminalSafe(String(value))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// A tiny XML writer for the JUnit report: escapes every text and attribute value and drops the characters
// XML 1.0 forbids (a webhook URL or variable key can carry anything).

// eslint-disable-next-line no-control-regex
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Allowed in XML 1.0 but terminal controls or line separators: character references, never raw.
    .replace(/[\r\u007f-\u009f\u2028\u2029]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`);
}

export interface XmlNode {
  name: string;
  attrs?: Record<string, string | number | undefined>;
  children?: XmlNode[];
  text?: string;
}

export function writeXml(node: XmlNode, indent = ''): string {
  const attrs = Object.entries(node.attrs ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  const open = `${indent}<${node.name}${attrs}`;
  if (node.children && node.children.length > 0) {
    const inner = node.children.map((c) => writeXml(c, `${indent}  `)).join('\n');
    return `${open}>\n${inner}\n${indent}</${node.name}>`;
  }
  if (node.text !== undefined && node.text !== '') return `${open}>${escapeXml(node.text)}</${node.name}>`;
  return `${open}/>`;
}

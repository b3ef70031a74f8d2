// The gate shows a weakening's from/to whole: a reviewer approving a baseline change must see what is let through
// (an allowlist of webhook hosts grows past any column width).
import { describe, expect, it } from 'vitest';
import { renderGate } from '../../checks/gate/report';
import type { GateResult } from '../../checks/gate/compare';

const hosts = Array.from({ length: 8 }, (_, i) => `hooks-${i}.partner-${i}.example.com`);
const result: GateResult = {
  schemaVersion: 1,
  base: 'main:baseline.yaml',
  head: 'baseline.yaml',
  weakenings: [{ kind: 'param-loosened', path: 'settings.webhooks.allowed_hosts', from: hosts.slice(0, 1), to: hosts, message: 'more webhook hosts allowed' }],
  strengthenings: [],
};

describe('gate report values', () => {
  it.each(['table', 'markdown'] as const)('%s names every host of the widened allowlist', (format) => {
    const out = renderGate(format, result);
    expect(JSON.stringify(hosts).length).toBeGreaterThan(200);
    for (const h of hosts) expect(out).toContain(h);
    expect(out).not.toContain('…');
  });
});

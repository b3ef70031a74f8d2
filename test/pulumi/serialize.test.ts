// Pulumi closure serialization of the provider objects: it must succeed, stay small (no module graph captured),
// never capture the token (even after configure ran in this process) and run in a plain Node process without
// any TypeScript loader, the way the pulumi-nodejs dynamic provider loads it.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import * as pulumi from '@pulumi/pulumi';
import { providerFor } from '../../provider/serializable';
import { RESOURCE_TYPES } from '../../model/resources';
import { simWithProvider, type RunningSim } from '../helpers/pulumi-provider';

let sim: RunningSim;
let token: string;
beforeAll(async () => {
  // Configures the process-wide provider config with the sim token before serializing.
  ({ sim, token } = await simWithProvider({ scenario: 'incident' }));
});
afterAll(async () => sim.close());

it.each(RESOURCE_TYPES)('%s serializes without capture errors, small and token-free', async (type) => {
  const provider = providerFor(type);
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
  expect(sf.text).toContain(`type: "${type}"`);
  expect(sf.text).not.toContain(token);
  expect(sf.text).not.toContain('GitlabClient');
  // The methods capture two strings and a small loader, nothing of our module graph.
  expect(sf.text.length).toBeLessThan(8_000);
});

it('the serialized provider runs in a plain node process and reads GitLab', async () => {
  const sf = await pulumi.runtime.serializeFunction(() => providerFor('GroupSecurity'));
  const dir = tempDir('posture-provider-');
  const file = join(dir, 'provider.js');
  writeFileSync(file, sf.text);
  const script = `
    const p = require(${JSON.stringify(file)}).handler();
    (async () => {
      const checked = await p.check({}, { group: 'acme', visibility: 'bogus' });
      const read = await p.read('x', { group: 'acme' });
      console.log(JSON.stringify({ failures: checked.failures.map((f) => f.property), read }));
    })().catch((e) => { console.error(String(e)); process.exit(3); });`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH, GITLAB_URL: sim.url, GITLAB_TOKEN: token },
    timeout: 60_000,
  });
  const out = JSON.parse(stdout.trim().split('\n').pop()!);
  expect(out.failures).toEqual(['visibility']);
  expect(out.read.props).toMatchObject({ group: 'acme', require_two_factor_authentication: false, two_factor_grace_period: 8, visibility: 'public' });
  expect(stdout).not.toContain(token);
});

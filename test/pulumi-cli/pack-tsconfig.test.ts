// Pulumi starts the CrossGuard pack with ts-node from the pack's directory and reads only that directory's
// tsconfig.json compilerOptions (not `extends`; @pulumi/pulumi tsutils.loadTypeScriptCompilerOptions). Without the
// root's options the pack is compiled non-strict and failed to start under the real engine (docs/pulumi.md).
// This runs without the CLI, so machines that skip engine.test.ts still catch a drifted copy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './pulumi';

const options = (file: string) => JSON.parse(readFileSync(join(REPO, file), 'utf8')).compilerOptions as Record<string, unknown>;

describe('provider/crossguard/tsconfig.json', () => {
  it('repeats the root compiler options that change how the code compiles', () => {
    const root = options('tsconfig.json');
    const pack = options('provider/crossguard/tsconfig.json');
    for (const key of ['target', 'module', 'moduleResolution', 'lib', 'strict', 'esModuleInterop', 'resolveJsonModule', 'skipLibCheck', 'types']) {
      expect(pack[key], key).toEqual(root[key]);
    }
  });
});

// The provider objects Pulumi serializes into each dynamic resource (`__provider`). Pulumi's closure serializer
// captures every value a method references, and would pull in our whole module graph (the GitLab client's
// private fields do not even survive it). So the methods capture only two strings, the resource type and the
// absolute path of provider/runtime.ts, and load the runtime with `require` when called: the provider process
// (which has no TypeScript loader of its own) loads it through tsx. A state written on another machine, whose path
// no longer exists, falls back to <cwd>/provider/runtime.ts (Pulumi runs providers in the project directory).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as pulumi from '@pulumi/pulumi';
import type { ResourceType } from '../model/resources';

/** provider/runtime.ts under ts-node/tsx/vitest, provider/runtime.js in a compiled build. */
export const RUNTIME_FILE = [join(__dirname, 'runtime.ts'), join(__dirname, 'runtime.js')].find((f) => existsSync(f)) ?? join(__dirname, 'runtime.ts');

type Runtime = typeof import('./runtime');

export function providerFor(type: ResourceType, runtimeFile: string = RUNTIME_FILE): pulumi.dynamic.ResourceProvider {
  const load = (): Runtime => {
    const fs = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    const file = fs.existsSync(runtimeFile) ? runtimeFile : path.join(process.cwd(), 'provider', path.basename(runtimeFile));
    const cache = ((globalThis as Record<symbol, Record<string, Runtime>>)[Symbol.for('gitlab-posture/provider-runtime')] ??= {});
    if (!cache[file]) {
      const req = (require('node:module') as typeof import('node:module')).createRequire(file);
      cache[file] = file.endsWith('.ts') ? req('tsx/cjs/api').require(file, file) : req(file);
    }
    return cache[file]!;
  };
  return {
    configure: async (req) => load().configure(req.config),
    check: async (olds, news) => load().check(type, olds, news),
    diff: async (id, olds, news) => load().diff(type, id, olds, news),
    create: async (inputs) => load().create(type, inputs),
    read: async (id, props) => load().read(type, id, props),
    update: async (id, olds, news) => load().update(type, id, olds, news),
    delete: async (id, props) => load().remove(type, id, props),
  };
}

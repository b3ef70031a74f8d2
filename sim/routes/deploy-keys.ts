// [Deploy keys API] a project's deploy keys (lib/api/deploy_keys.rb, entity DeployKeysProject): Maintainer.
// `can_push` is the key's write access to the project; PUT changes title and can_push. DeployKeysProject
// (lib/api/entities/deploy_keys_project.rb) merges the key's DeployKey entity and exposes `can_push` on every key;
// DeployKey (lib/api/entities/deploy_key.rb) exposes `fingerprint` only `if:` present, `fingerprint_sha256` always.
import { errors, parseBool, parseIntParam, requireProject, Role, type Route, type SimContext } from '../kit';
import { paginate } from '../pagination';
import type { SimProject } from '../state';

function keyEntity(k: SimProject['deploy_keys'][number]): Record<string, unknown> {
  return {
    id: k.id,
    title: k.title,
    created_at: k.created_at ?? null,
    expires_at: null,
    key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHNpbXVsYXRlZCBkZXBsb3kga2V5',
    ...(k.fingerprint ? { fingerprint: k.fingerprint } : {}),
    fingerprint_sha256: 'SHA256:c2ltdWxhdGVkIGRlcGxveSBrZXkgZmluZ2VycHJpbnQ',
    can_push: k.can_push,
  };
}

function keyOf(ctx: SimContext, project: SimProject, ref: string) {
  const id = parseIntParam(ref, 'key_id');
  const key = project.deploy_keys.find((k) => k.id === id);
  if (!key) throw errors.notFound('Deploy key');
  return key;
}

export const routes: Route[] = [
  {
    method: 'GET',
    pattern: '/projects/:id/deploy_keys',
    handler: (req, ctx) => paginate(req, requireProject(ctx, req.params.id, Role.Maintainer).deploy_keys.map(keyEntity)),
  },
  {
    method: 'PUT',
    pattern: '/projects/:id/deploy_keys/:key_id',
    handler: (req, ctx) => {
      const project = requireProject(ctx, req.params.id, Role.Maintainer);
      const key = keyOf(ctx, project, req.params.key_id);
      if (req.body.title !== undefined) key.title = String(req.body.title);
      if (req.body.can_push !== undefined) key.can_push = parseBool(req.body.can_push, 'can_push');
      return { status: 200, body: keyEntity(key) };
    },
  },
];

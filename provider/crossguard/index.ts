// The CrossGuard pack: `pulumi preview --policy-pack provider/crossguard` (docs/pulumi.md). Constructing the
// PolicyPack starts the policy analyzer server, so the policies live in policies.ts, where tests import them.
import { PolicyPack } from '@pulumi/policy';
import { policies } from './policies';

export { policies };

new PolicyPack('gitlab-posture', { policies });

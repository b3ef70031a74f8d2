import { describe, expect, it } from 'vitest';
import { redact } from '../../gitlab/redact';

describe('redact', () => {
  it.each([
    ['the given token', 'token is s3cr3t-value!', ['s3cr3t-value!'], 'token is [REDACTED]'],
    ['glpat tokens', 'x glpat-AbCdEf_123456789-z y', [], 'x [REDACTED] y'],
    ['PRIVATE-TOKEN header', 'PRIVATE-TOKEN: abcdef123456', [], 'PRIVATE-TOKEN: [REDACTED]'],
    ['JSON header', '{"private-token":"abcdef123456","a":1}', [], '{"private-token":"[REDACTED]","a":1}'],
    ['Authorization Bearer', 'Authorization: Bearer abc.def.ghi', [], 'Authorization: Bearer [REDACTED]'],
    ['query token', 'GET /projects?private_token=abc123&x=1', [], 'GET /projects?private_token=[REDACTED]&x=1'],
    ['short secrets ignored', 'a b c', ['a'], 'a b c'],
  ])('%s', (_name, input, secrets, want) => {
    expect(redact(input, ...secrets)).toBe(want);
  });
});

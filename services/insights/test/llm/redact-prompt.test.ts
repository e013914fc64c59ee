import { describe, expect, it } from 'vitest';
import { redactPrompt } from '../../src/llm/redact-prompt.js';

describe('redactPrompt', () => {
  it.each([
    ['an email', 'sent to jane.doe+alerts@mail.example.co.uk today', 'sent to [email] today'],
    ['an IPv4 address with a port', 'connect 10.0.12.7:5432 refused', 'connect [ip] refused'],
    ['an IPv6 address', 'from 2001:db8:85a3::8a2e:370:7334 and fe80::1%eth0', 'from [ip] and [ip]'],
    ['a bearer token', 'Authorization: Bearer abc.DEF-123_456~xyz', 'Authorization: Bearer [token]'],
    ['a JWT', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig-nature_x', 'token [token]'],
    ['an OpenAI key', 'using sk-proj-abcdefABCDEF0123456789xyz', 'using [token]'],
    ['an Anthropic key', 'using sk-ant-api03-abcdefABCDEF0123456789xyz', 'using [token]'],
    ['a Causeloop token', 'clp_sa_0123456789abcdefghijABCDEFGHIJxyz123', '[token]'],
    ['a GitHub token', 'ghp_0123456789abcdefghijABCDEFGHIJ', '[token]'],
    ['an AWS access key id', 'key AKIAIOSFODNN7EXAMPLE used', 'key [token] used'],
    ['a secret assignment', 'db password=hunter22 api_key: "zz9plural"', 'db password=[token] api_key: "[token]"'],
    ['a long random run', 'signature 3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a', 'signature [token]'],
  ])('replaces %s', (_, text, redacted) => {
    expect(redactPrompt(text)).toBe(redacted);
  });

  it('keeps what analysis needs: times, versions, status codes, ids, templates', () => {
    const text = 'Upstream returned HTTP 503 after <duration> at 12:00:01 on v2.3.1, order 0190c1d2-0000-7000-8000-000000000001';
    expect(redactPrompt(text)).toBe(text);
  });
});

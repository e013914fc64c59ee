import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization } from '../../../../scripts/src/org/create-organization.js';
import { generateOperatorToken } from '@causeloop/platform/identity';
import { bearer, startTenancyStack, type TenancyStack } from '../support/tenancy-stack.js';

let stack: TenancyStack;
beforeAll(async () => {
  stack = await startTenancyStack();
});
afterAll(async () => {
  await stack?.close();
});

const run = async (overrides: { operatorToken?: string; accept?: boolean } = {}) => {
  const lines: string[] = [];
  await createOrganization({
    tenancyAddress: stack.tenancyAddress,
    authAddress: stack.authAddress,
    operatorToken: overrides.operatorToken ?? stack.operatorToken,
    slug: 'fresh-install',
    name: 'Fresh Install',
    plan: 'starter',
    seats: 5,
    ownerEmail: 'root@fresh.example',
    accept: overrides.accept ?? true,
    print: (line) => lines.push(line),
  });
  return lines;
};

describe('causeloop org create', () => {
  it('refuses a token the service was not configured with', async () => {
    await expect(run({ operatorToken: generateOperatorToken().token })).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('makes a fresh install usable: prints the invitation and a first owner token that works through the gateway', async () => {
    const lines = await run();
    const invitation = lines.find((line) => line.trim().startsWith('clp_inv_'));
    expect(invitation).toBeDefined();
    const tokenLine = lines.findIndex((line) => line.startsWith('first admin (owner) access token'));
    expect(tokenLine).toBeGreaterThan(0);
    const accessToken = lines[tokenLine + 1]!.trim();
    const workspaceId = lines.find((line) => line.startsWith('workspace'))!.split(/\s+/)[1]!;
    const answer = await stack.gateway.inject({ method: 'GET', url: `/v1/workspaces/${workspaceId}/members`, headers: bearer(accessToken) });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ data: [{ email: 'root@fresh.example', role: 'ROLE_OWNER' }] });

    const again = await run();
    expect(again.join('\n')).toContain('already provisioned by an identical earlier request');
    expect(again.join('\n')).not.toContain('clp_inv_');
  });
});

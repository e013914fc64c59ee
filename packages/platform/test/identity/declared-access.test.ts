import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type DescFile, type DescService } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { methodAccess } from '../../src/identity/index.js';

const generated = path.resolve(import.meta.dirname, '../../../proto/src/gen/causeloop');

/** Every service of every generated file of a proto package folder, read from the descriptors (a new file is covered without editing this test). */
async function servicesUnder(folder: string): Promise<DescService[]> {
  const directory = path.join(generated, folder);
  const services: DescService[] = [];
  for (const name of (await readdir(directory)).filter((file) => file.endsWith('_pb.ts')).sort()) {
    const module = (await import(pathToFileURL(path.join(directory, name)).href)) as Record<string, unknown>;
    const file = Object.entries(module).find(([key]) => key.startsWith('file_'))?.[1] as DescFile | undefined;
    if (file === undefined) throw new Error(`${name} exports no file descriptor`);
    services.push(...file.services);
  }
  return services;
}

describe('declared access of every auth and tenancy RPC (deny by default)', () => {
  it('gives every method a scope from the catalogue or an explicit public/internal mark, and no internal RPC an HTTP rule', async () => {
    const services = [...(await servicesUnder('auth/v1')), ...(await servicesUnder('tenancy/v1'))];
    const declared: Record<string, string> = {};
    const problems: string[] = [];
    for (const service of services) {
      for (const method of service.methods) {
        try {
          const access = methodAccess(method);
          declared[`${service.name}.${method.name}`] = access.kind === 'scoped' ? access.scope : access.kind;
        } catch (error) {
          problems.push((error as Error).message);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(services.map((service) => service.name).sort()).toEqual(
      ['AuditLogService', 'AuthService', 'GovernanceService', 'MemberService', 'ProvisioningService', 'WorkspaceService'],
    );
    // The RPCs that need no principal, named here so a new one is a reviewed change.
    expect(Object.entries(declared).filter(([, access]) => access === 'public' || access === 'internal')).toEqual([
      ['AuthService.ExchangeToken', 'public'],
      ['AuthService.RefreshToken', 'public'],
      ['AuthService.Authenticate', 'internal'],
      ['AuthService.Authorize', 'internal'],
      ['MemberService.AcceptInvitation', 'public'],
      ['ProvisioningService.CreateOrganization', 'internal'],
    ]);
  });
});

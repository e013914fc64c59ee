import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hasOption, type DescFile } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { http } from '@causeloop/proto/causeloop/common/v1/http_pb.js';
import { publicTenancyServices } from '../support/tenancy-stack.js';

const generated = path.resolve(import.meta.dirname, '../../../../packages/proto/src/gen/causeloop/tenancy/v1');

/** Every service declared in the generated tenancy files, read from each file's descriptor. */
async function tenancyProtoServices() {
  const services = [];
  for (const name of (await readdir(generated)).filter((file) => file.endsWith('_pb.ts')).sort()) {
    const module = (await import(pathToFileURL(path.join(generated, name)).href)) as Record<string, unknown>;
    const file = Object.entries(module).find(([key]) => key.startsWith('file_'))?.[1] as DescFile | undefined;
    if (file === undefined) throw new Error(`${name} exports no file descriptor`);
    services.push(...file.services);
  }
  return services;
}

describe('public tenancy services', () => {
  it('lists every tenancy service with HTTP rules, so the gateway stack and the cross-tenant test cover it', async () => {
    const services = await tenancyProtoServices();
    const withRules = services.filter((service) => service.methods.some((method) => hasOption(method, http)));
    expect(withRules.length).toBeGreaterThanOrEqual(4);
    expect(publicTenancyServices.map((service) => service.typeName).sort()).toEqual(withRules.map((service) => service.typeName).sort());
    // Provisioning stays operator-only: no HTTP rule, so it is never fronted.
    expect(services.map((service) => service.typeName)).toContain('causeloop.tenancy.v1.ProvisioningService');
  });
});

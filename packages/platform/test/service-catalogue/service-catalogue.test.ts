import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hasOption, type DescFile, type DescService } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { http } from '@causeloop/proto/causeloop/common/v1/http_pb.js';
import { isFronted, serviceCatalogue } from '../../src/service-catalogue/service-catalogue.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');
const generated = path.join(repositoryRoot, 'packages/proto/src/gen');

/** Every gRPC service in the generated code, read from each file's descriptor. */
async function generatedServices(): Promise<DescService[]> {
  const services: DescService[] = [];
  for (const entry of await readdir(generated, { recursive: true })) {
    if (!entry.endsWith('_pb.ts')) continue;
    const module = (await import(pathToFileURL(path.join(generated, entry)).href)) as Record<string, unknown>;
    const file = Object.entries(module).find(([key]) => key.startsWith('file_'))?.[1] as DescFile | undefined;
    if (file === undefined) throw new Error(`${entry} exports no file descriptor`);
    services.push(...file.services);
  }
  return services;
}

const declaredApis = serviceCatalogue.flatMap((declared) => declared.apis.map((api) => ({ ...api, serviceName: declared.name })));

describe('the service catalogue', () => {
  it('declares every generated gRPC service of a built service once, under the service its proto package names', async () => {
    // `causeloop.<service>.v1`: protos may land before their service's main.ts does.
    const owned = (await generatedServices()).flatMap((service) => {
      const owner = service.typeName.split('.')[1] ?? '';
      return existsSync(path.join(repositoryRoot, 'services', owner, 'src/main.ts')) ? [`${owner}: ${service.typeName}`] : [];
    });
    expect(owned.length).toBeGreaterThanOrEqual(7);
    const declared = declaredApis.map((api) => `${api.serviceName}: ${api.service.typeName}`);
    expect(new Set(declared).size).toBe(declared.length);
    expect(declared.sort()).toEqual(owned.sort());
  });

  it('fronts over HTTP exactly the APIs with HTTP rules, so none is routed by accident or left unreachable', () => {
    for (const api of declaredApis) {
      const hasRules = api.service.methods.some((method) => hasOption(method, http));
      expect(isFronted(api), `${api.service.typeName} is ${api.exposure}`).toBe(hasRules);
    }
    expect(declaredApis.find((api) => api.service.name === 'ProvisioningService')?.exposure).toBe('operator');
  });

  it('names exactly the services in services/ that have a main.ts', async () => {
    const directories = await readdir(path.join(repositoryRoot, 'services'));
    const withMain = directories.filter((name) => existsSync(path.join(repositoryRoot, 'services', name, 'src/main.ts')));
    expect(serviceCatalogue.map((declared) => declared.name).sort()).toEqual(withMain.sort());
  });

  it('gives each client-facing API its own property name on @causeloop/client', () => {
    const names = declaredApis.flatMap((api) => (api.exposure === 'public' ? [api.clientName] : []));
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length);
  });
});

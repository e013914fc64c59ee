import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFronted, serviceCatalogue } from '@causeloop/platform/service-catalogue';
import type { FrontedService } from '../src/fronted-service.js';
import { repositoryRoot } from '../src/openapi/gateway-document.js';
import { collectRoutedRpcs } from '../src/routes/http-rules.js';

const unreachable: FrontedService['call'] = () => Promise.reject(new Error('not called'));

describe('the route table of docs/http-api.md', () => {
  it('lists exactly the routes a gateway fronting every backend serves, with their scopes and RPCs', async () => {
    const fronted = serviceCatalogue.flatMap((declared) => declared.apis.filter(isFronted)).map(({ service }) => ({ service, call: unreachable }));
    const served = collectRoutedRpcs(fronted).map(
      (route) => `${route.httpMethod} ${route.pathTemplate} | ${route.scope ?? 'none (public)'} | ${route.service.name}.${route.method.name}`,
    );
    const docs = await readFile(path.join(repositoryRoot, 'docs/http-api.md'), 'utf8');
    const documented = [...docs.matchAll(/^\| `(GET|POST|PATCH|PUT|DELETE) ([^`]+)` \| `?([^`|]+?)`? \| `([\w.]+)` \|$/gm)].map(
      ([, method, route, scope, rpc]) => `${method} ${route} | ${scope} | ${rpc}`,
    );
    expect(documented.sort()).toEqual(served.sort());
  });
});

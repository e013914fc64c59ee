import { describe, expect, it } from 'vitest';
import { isFronted, serviceCatalogue } from '@causeloop/platform/service-catalogue';
import { createSchemaCompiler, type JsonSchema } from '@causeloop/platform/validation';
import type { FrontedService } from '../src/fronted-service.js';
import { collectRoutedRpcs } from '../src/routes/http-rules.js';
import { routeSchemas } from '../src/routes/route-schemas.js';

const unreachable: FrontedService['call'] = () => Promise.reject(new Error('not called'));

// Route validators compile on their first request (the platform's schema compiler is lazy):
// this compiles every part of every route a gateway fronting every backend serves, with the
// compilers the routes use, so a schema ajv would refuse never ships.
describe('the request schemas of every route', () => {
  it('compile', () => {
    const bodies = createSchemaCompiler();
    const text = createSchemaCompiler({ coerceTypes: true });
    const fronted = serviceCatalogue.flatMap((declared) => declared.apis.filter(isFronted)).map(({ service }) => ({ service, call: unreachable }));
    const routes = collectRoutedRpcs(fronted);
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      const { params, querystring, body } = routeSchemas(route);
      const parts: [string, JsonSchema, typeof text][] = [['params', params, text], ['querystring', querystring, text]];
      if (body !== undefined) parts.push(['body', body, bodies]);
      for (const [part, schema, compiler] of parts) {
        expect(() => compiler.compile(schema)({}), `${route.httpMethod} ${route.pathTemplate} ${part}`).not.toThrow();
      }
    }
  });
});

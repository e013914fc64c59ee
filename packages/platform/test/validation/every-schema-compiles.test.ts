import { describe, expect, it } from 'vitest';
import { serviceCatalogue } from '../../src/service-catalogue/index.js';
import { createSchemaCompiler, messageJsonSchema } from '../../src/validation/index.js';

// ajv compiles a schema on its first use (schema-compiler.ts), not at start-up: this is
// where a request schema ajv would refuse is caught, instead of a service's first call.
describe('the request schema of every method of every catalogued service', () => {
  it('compiles', () => {
    const compiler = createSchemaCompiler();
    const methods = serviceCatalogue.flatMap(({ apis }) => apis.flatMap(({ service }) => service.methods));
    expect(methods.length).toBeGreaterThan(20);
    for (const method of methods) {
      const validate = compiler.compile(messageJsonSchema(method.input));
      expect(() => validate({}), method.input.typeName).not.toThrow();
    }
  });
});

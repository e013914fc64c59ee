import type { DescService } from '@bufbuild/protobuf';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import { AuditLogService } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { GovernanceService } from '@causeloop/proto/causeloop/tenancy/v1/governance_pb.js';
import { MemberService } from '@causeloop/proto/causeloop/tenancy/v1/members_pb.js';
import { ProvisioningService } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import { describe, expect, it } from 'vitest';
import { compileProtos } from '../../src/testing/compile-protos.js';
import { createSchemaCompiler, messageJsonSchema } from '../../src/validation/index.js';
import { fixtureMessage } from './rules-fixture.js';

const services: readonly DescService[] = [
  AuthService,
  WorkspaceService,
  MemberService,
  AuditLogService,
  GovernanceService,
  ProvisioningService,
  CryptoService,
];

describe('messageJsonSchema', () => {
  it('derives and compiles the schema of every request of every service (a rule that does not fit would throw)', () => {
    const compiler = createSchemaCompiler();
    for (const service of services) {
      for (const method of service.methods) {
        expect(() => compiler.compile(messageJsonSchema(method.input)), method.input.typeName).not.toThrow();
      }
    }
  });

  it('writes the rules as JSON Schema: required, bounds, formats, enums, unknown fields refused', async () => {
    const schema = messageJsonSchema(await fixtureMessage('Everything'));
    expect(schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['display_name', 'count', 'colour', 'nickname', 'agreed', 'offset'],
    });
    const properties = schema.properties as Record<string, unknown>;
    expect(properties.display_name).toEqual({ type: 'string', minLength: 2, maxLength: 10 });
    expect(properties.id).toEqual({ type: 'string', format: 'uuid' });
    expect(properties.since).toEqual({ type: 'string', format: 'date-time' });
    expect(properties.count).toEqual({ type: 'integer', minimum: 1, maximum: 100 });
    expect(properties.ratio).toEqual({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 });
    expect(properties.tags).toEqual({ type: 'array', items: { type: 'string', maxLength: 4 }, maxItems: 3, uniqueItems: true });
    // Required and without presence: UNSPECIFIED (the zero value) is not a value, and not_in drops BLUE.
    expect(properties.colour).toEqual({ type: 'string', enum: ['COLOUR_RED', 'COLOUR_GREEN'] });
    expect(properties.attributes).toEqual({ type: 'object', maxProperties: 3, 'x-max-depth': 2 });
    expect(properties.items).toMatchObject({ type: 'array', minItems: 1, items: { type: 'object', required: ['name'] } });
    expect(properties.free).toEqual({ type: 'string' });
  });

  it('leaves out the fields a route binds elsewhere, and files nested messages through refTo', async () => {
    const message = await fixtureMessage('Everything');
    const schema = messageJsonSchema(message, {
      omit: ['display_name'],
      refTo: (nested) => ({ $ref: `#/components/schemas/${nested.typeName}` }),
    });
    expect(Object.keys(schema.properties as object)).not.toContain('display_name');
    expect(schema.required).not.toContain('display_name');
    expect((schema.properties as Record<string, unknown>).items).toMatchObject({ items: { $ref: '#/components/schemas/demo.v1.Item' } });
  });

  it('refuses, naming the field, a rule that does not fit its field', async () => {
    const registry = await compileProtos({
      'demo/v1/misfit.proto': `
        syntax = "proto3";
        package demo.v1;
        import "causeloop/common/v1/validation.proto";
        message Misfit {
          uint32 age = 1 [(causeloop.common.v1.field).string.max_len = 3];
          int64 total = 2 [(causeloop.common.v1.field).number.lte = 10];
          string label = 3 [(causeloop.common.v1.field).string.pattern = "("];
        }
      `,
    });
    const message = registry.getMessage('demo.v1.Misfit');
    if (message === undefined) throw new Error('not compiled');
    const only = (name: string) => ({ ...message, fields: message.fields.filter((field) => field.name === name) });
    expect(() => messageJsonSchema(only('age'))).toThrow(/demo\.v1\.Misfit\.age .*string rules/);
    expect(() => messageJsonSchema(only('total'))).toThrow(/demo\.v1\.Misfit\.total .*64-bit/);
    expect(() => messageJsonSchema(only('label'))).toThrow(/demo\.v1\.Misfit\.label .*not a valid Unicode regular expression/);
  });
});

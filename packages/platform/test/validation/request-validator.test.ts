import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { create, type DescMessage } from '@bufbuild/protobuf';
import { CreateServiceAccountRequestSchema } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { describe, expect, it } from 'vitest';
import { invalidFields } from '../../src/errors/common-errors.js';
import { createRequestValidator, createSchemaCompiler, messageJsonSchema } from '../../src/validation/index.js';
import { fixtureMessage } from './rules-fixture.js';

const valid = {
  displayName: 'Ada',
  count: 5,
  colour: 1,
  nickname: '',
  agreed: true,
  offset: -3,
  items: [{ name: 'a' }],
};

async function violationsOf(init: Record<string, unknown>): Promise<{ field: string; description: string }[]> {
  const schema: DescMessage = await fixtureMessage('Everything');
  return createRequestValidator().violations(schema, create(schema, init));
}

describe('the request validator (decoded messages, as the gRPC server sees them)', () => {
  it('passes a message that keeps every rule', async () => {
    expect(await violationsOf(valid)).toEqual([]);
  });

  it('names every required field left at its zero value, and a required optional field left unset', async () => {
    const fields = (await violationsOf({})).map((violation) => violation.field);
    expect(fields.sort()).toEqual(['agreed', 'colour', 'count', 'display_name', 'nickname', 'offset']);
    expect(await violationsOf({})).toContainEqual({ field: 'display_name', description: 'is required' });
  });

  it('names each broken rule with its snake_case path, nested lists included', async () => {
    const violations = await violationsOf({
      ...valid,
      displayName: 'x'.repeat(11),
      id: 'not-a-uuid',
      email: 'nobody',
      homepage: 'relative/path',
      since: '31 January 2026',
      code: 'abc',
      count: 101,
      ratio: 1,
      tags: ['a', 'a', 'toolong'],
      items: [{ name: 'ok' }, { name: 'ok' }, { name: 'far too long' }],
      colour: 3,
      labels: { a: '1', b: '2', c: '3' },
      attributes: { nested: { deeper: { deepest: true } } },
    });
    expect(violations).toEqual(
      expect.arrayContaining([
        { field: 'display_name', description: 'must be at most 10 characters' },
        { field: 'id', description: 'must be a UUID' },
        { field: 'email', description: 'must be an email address' },
        { field: 'homepage', description: 'must be an absolute URI' },
        { field: 'since', description: expect.stringContaining('RFC 3339') },
        { field: 'code', description: 'must match the pattern ^[A-Z]{3}$' },
        { field: 'count', description: 'must be at most 100' },
        { field: 'ratio', description: 'must be less than 1' },
        { field: 'tags', description: expect.stringContaining('must not repeat an item') },
        { field: 'tags[2]', description: 'must be at most 4 characters' },
        { field: 'items[2].name', description: 'must be at most 5 characters' },
        { field: 'colour', description: 'must be one of COLOUR_RED, COLOUR_GREEN' },
        { field: 'labels', description: 'must have at most 2 entries' },
        { field: 'attributes', description: 'must nest at most 2 levels deep' },
      ]),
    );
    expect(violations).toHaveLength(14);
  });

  it('refuses an enum number the enum does not define', async () => {
    expect(await violationsOf({ ...valid, colour: 42 })).toEqual([
      { field: 'colour', description: 'must be one of COLOUR_RED, COLOUR_GREEN' },
    ]);
  });

  it('throws invalid_argument carrying every violation', async () => {
    const schema = await fixtureMessage('Everything');
    const validator = createRequestValidator();
    expect(() => validator.assertValid(schema, create(schema, { ...valid, count: 0, id: 'x' }))).toThrow(
      expect.objectContaining({
        code: 'invalid_argument',
        // In the order the message declares its fields.
        violations: [
          { field: 'id', description: 'must be a UUID' },
          { field: 'count', description: 'is required' },
        ],
      }),
    );
  });
});

describe('the same schema over a JSON body (as the gateway sees it)', () => {
  it('refuses what is not an object, unknown fields by name, and zero values of required fields', async () => {
    const check = createSchemaCompiler().compile(messageJsonSchema(await fixtureMessage('Everything')));
    for (const body of [null, [], 1, 'x']) {
      expect(check(body), JSON.stringify(body)).toEqual([{ field: '', description: 'must be a JSON object' }]);
    }
    const json = { display_name: 'Ada', count: 5, colour: 'COLOUR_RED', nickname: '', agreed: true, offset: -3 };
    expect(check(json)).toEqual([]);
    expect(check({ ...json, displayName: 'Ada', extra: 1 })).toEqual([
      { field: 'displayName', description: 'is not a field of this request' },
      { field: 'extra', description: 'is not a field of this request' },
    ]);
    expect(check({ ...json, display_name: '', count: 0, colour: 'COLOUR_UNSPECIFIED', agreed: false, offset: 0 })).toEqual([
      { field: 'display_name', description: 'must be at least 2 characters' },
      { field: 'count', description: 'must be at least 1' },
      { field: 'colour', description: 'must be one of COLOUR_RED, COLOUR_GREEN' },
      { field: 'agreed', description: 'is required' },
      { field: 'offset', description: 'is required' },
    ]);
    expect(check({ ...json, count: '5' })).toEqual([{ field: 'count', description: 'must be an integer' }]);
  });

  it('reads an error naming no field as the whole request', () => {
    expect(invalidFields([{ field: '', description: 'must be a JSON object' }]).message).toBe('the request must be a JSON object');
  });
});

describe('docs/validation.md', () => {
  it('shows the violations the real CreateServiceAccountRequest rules give', async () => {
    const markdown = await readFile(path.resolve(import.meta.dirname, '../../../../docs/validation.md'), 'utf8');
    const sent = { name: ' ci', role: 'ROLE_UNSPECIFIED', colour: 1 };
    expect(markdown).toContain('`{"name": " ci", "role": "ROLE_UNSPECIFIED",\n"colour": 1}`');
    const shown = JSON.parse(/```json\n([\s\S]*?)```/.exec(markdown)?.[1] ?? '{}') as { violations: unknown };
    const check = createSchemaCompiler().compile(messageJsonSchema(CreateServiceAccountRequestSchema));
    expect(check(sent)).toEqual(shown.violations);
  });
});

import { create, createFileRegistry, setExtension, type DescService, type MessageInitShape } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, MethodOptionsSchema, file_google_protobuf_empty } from '@bufbuild/protobuf/wkt';
import { access, type Access } from '@causeloop/proto/causeloop/common/v1/access_pb.js';
import { http, HttpRuleSchema } from '@causeloop/proto/causeloop/common/v1/http_pb.js';

/**
 * A one-RPC service `fake.v1.FakeService/Do` declared with the given access mark and HTTP
 * rule: the protos in the repository are all valid, so the refusals need a descriptor
 * that is not (a new RPC someone forgot to mark).
 */
export function fakeService(declared: { readonly access?: Access; readonly http?: MessageInitShape<typeof HttpRuleSchema> }): DescService {
  const options = create(MethodOptionsSchema);
  if (declared.access !== undefined) setExtension(options, access, declared.access);
  if (declared.http !== undefined) setExtension(options, http, create(HttpRuleSchema, declared.http));
  const file = create(FileDescriptorProtoSchema, {
    name: 'fake/v1/fake.proto',
    package: 'fake.v1',
    syntax: 'proto3',
    dependency: ['google/protobuf/empty.proto'],
    service: [{ name: 'FakeService', method: [{ name: 'Do', inputType: '.google.protobuf.Empty', outputType: '.google.protobuf.Empty', options }] }],
  });
  const registry = createFileRegistry(file, (name) => (name === file_google_protobuf_empty.proto.name ? file_google_protobuf_empty : undefined));
  const service = registry.getService('fake.v1.FakeService');
  if (service === undefined) throw new Error('fake service not registered');
  return service;
}
